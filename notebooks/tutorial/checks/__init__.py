"""The exercises' checkers, and what they share; :mod:`tutorial.exercises` is their entry point."""
