# The branch's tables are what release 1's baseline creates (`baseline`, stamped on the shop's database
# above; `alembic -c release-1/alembic.ini history` lists it last). Release 2 no longer has it.
tutorial.run(f"alembic -c release-1/alembic.ini stamp {baseline}")
