# Solution of "Your turn" in notebook 18, step 1: the id in the file, and the file's name, shortened.
short_id = "2026_01_05_add_notes"
long_file = next(project.path("alembic/versions").glob(f"{long_id}_*.py"))
long_file.write_text(long_file.read_text().replace(long_id, short_id))
short_file = long_file.rename(long_file.with_name(long_file.name.replace(long_id, short_id)))
tutorial.show_file(short_file, 1, 17)
