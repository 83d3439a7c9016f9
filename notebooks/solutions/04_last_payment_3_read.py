# Solution of "Your turn" in notebook 04, step 3: read the revision before you run it.
tutorial.show_file(project.newest_revision_file())
