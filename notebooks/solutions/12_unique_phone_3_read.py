# Solution of "Your turn" in notebook 12, step 3: the constraint has the convention's name, uq_users_phone.
tutorial.show_file(project.newest_revision_file())
