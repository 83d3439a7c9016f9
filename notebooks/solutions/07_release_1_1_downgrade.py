# Solution of "Your turn" in notebook 07, step 1. `alembic history` lists the revisions, newest first; release
# 1.0's is the one at the bottom, `<base> -> <id>`. You would type its id (or its first characters):
# `alembic downgrade <id>` in a %%terminal cell. Here the notebook's variable `first` holds it.
print(f"$ alembic downgrade {first}")
tutorial.run(f"alembic downgrade {first}")
