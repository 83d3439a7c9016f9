# Solution of "Your turn" in notebook 08, step 1: the SQL from the head back to the revision before it.
from pathlib import Path

head = project.newest_revision_file().name.split("_")[0]
print(f"$ alembic downgrade {head}:{second} --sql")
result = tutorial.run(f"alembic downgrade {head}:{second} --sql")
sql = "\n".join(line for line in result.output.splitlines() if not line.startswith("INFO  ["))
Path("downgrade.sql").write_text(sql, encoding="utf-8")
tutorial.show_file("downgrade.sql")
