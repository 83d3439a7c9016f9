# Solution of "Your turn" in notebook 26, step 3: deploy with the release step, in a process of its own.
from tutorial import live

with live.sessions(project) as site:
    print("\n".join(site.alembic("python release.py").wait().rows))
