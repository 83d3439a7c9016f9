# Solution of the capstone (notebook 05), step 1: Location gets a postal code that may be empty.
tutorial.edit_file(
    "hovershare/data/locations.py",
    "    city: Mapped[str] = mapped_column(String, index=True)\n",
    "    city: Mapped[str] = mapped_column(String, index=True)\n"
    "    postal_code: Mapped[str | None] = mapped_column(String)\n",
)
