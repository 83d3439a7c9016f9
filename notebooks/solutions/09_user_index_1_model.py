# Solution of "Your turn" in notebook 09, step 1: an index on Bill.user_id (then `alembic check` fails).
tutorial.edit_file(
    "billtracker/data/bills.py",
    'mapped_column(ForeignKey("users.id"))',
    'mapped_column(ForeignKey("users.id"), index=True)',
)
