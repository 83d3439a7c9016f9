"""What the repository's tools and tests share, and the notebooks never use: headless Chromium, the driver of the
browser version's page, and the run of a notebook's cells in a fresh kernel.

The browser version leaves this package out (``tools/build_lite.py``).
"""
