# Solution of "Your turn" in notebook 25, step 1: a body may be empty.
tutorial.edit_file("notes/models.py", '    body: str = ""\n', "    body: str | None = None\n")
