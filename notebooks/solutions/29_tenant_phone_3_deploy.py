# Solution of "Your turn" in notebook 29, step 3: Hooli's schema, then the loop over public and every tenant.
sql("CREATE SCHEMA tenant_hooli")
deploy()
