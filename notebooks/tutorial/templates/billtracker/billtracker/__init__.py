"""billtracker: a small web app that keeps track of who owes which bills."""
