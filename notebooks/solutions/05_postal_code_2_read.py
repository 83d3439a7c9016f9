# Solution of the capstone (notebook 05), step 4: read the revision before you run it.
tutorial.show_file(project.newest_revision_file())
