# Solution of "Your turn" in notebook 03, step 3: read the new revision.
tutorial.show_file(project.newest_revision_file())
