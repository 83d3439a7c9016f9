# Solution of "Your turn" in notebook 17, step 3: the upgrade fails halfway (servers.attempt prints the failure).
from tutorial import servers

failure = servers.attempt("alembic upgrade head")
print("bills columns:", ", ".join(bills_columns(engine)), "| alembic_version:", alembic_version(engine))
