# Solution of "Your turn" in notebook 04, step 1: Bill gets last_payment, a DateTime with an index.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n",
    "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n"
    "    last_payment: Mapped[datetime.datetime | None] = mapped_column(DateTime, index=True)\n",
)
