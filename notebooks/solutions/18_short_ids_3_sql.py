# Solution of "Your turn" in notebook 18, step 3: the SQL PostgreSQL would receive, without a server.
sql = tutorial.run(f"alembic -c {postgres_config} upgrade {status_revision}:head --sql", echo=False).output
print(*[line for line in sql.splitlines() if "alembic_version" in line], sep="\n")
