"""The exercises' checkers, and what they share; :mod:`tutorial.exercises` is their entry point.

- :mod:`.report`: a checker's findings and verdict; :mod:`.widget`: the "Check my work" button;
- :mod:`.registry`: every notebook's exercise, declared once (notebook, title, solutions, checker);
- :mod:`.probes`: the steps several checkers share (a model's column, a revision, the database, the page);
- one module per notebook's exercise (:mod:`.core` for the core series, 01 to 05), each registering its
  checker when imported.

They read the project through :mod:`tutorial.inspection`, :mod:`tutorial.terminal`, :mod:`tutorial.sandbox`,
:mod:`tutorial.fresh` and :mod:`tutorial.browser`, which never import them.
"""
