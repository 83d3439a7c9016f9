# Solution of "Your turn" in notebook 06, step 2: Bill.last_payment without its index.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "mapped_column(DateTime, index=True)",
    "mapped_column(DateTime)",
)
