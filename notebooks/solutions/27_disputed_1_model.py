# Solution of "Your turn" in notebook 27, step 1: the new status in the Python enum.
tutorial.edit_file(
    "billtracker/data/bills.py",
    '    paid = "paid"\n',
    '    paid = "paid"\n'
    '    disputed = "disputed"\n',
)
