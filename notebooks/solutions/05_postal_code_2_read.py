# Solution of the capstone (notebook 05), step 2, continued: read the revision before you run it.
tutorial.show_file(project.newest_revision_file())
