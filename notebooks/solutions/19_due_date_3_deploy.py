from tutorial import live

with live.sessions(project) as site:
    report = site.client("report")
    report.run("BEGIN")
    report.run("SELECT count(*) FROM bills")         # the report holds bills until COMMIT
    deploy = site.alembic("alembic upgrade head").wait()
    report.run("COMMIT")

print("The deploy:", deploy.error)
