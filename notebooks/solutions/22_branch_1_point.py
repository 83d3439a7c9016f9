os.environ["BOOKSHELF_DATABASE_URL"] = sqlite_url("branch.sqlite")
