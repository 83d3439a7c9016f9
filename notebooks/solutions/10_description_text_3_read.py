# Solution of "Your turn" in notebook 10, step 3: the type change is inside `with op.batch_alter_table('bills')`.
tutorial.show_file(project.newest_revision_file(), 21)
