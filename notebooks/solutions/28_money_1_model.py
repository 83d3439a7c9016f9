# Solution of "Your turn" in notebook 28, step 1: bills' money as Numeric(10, 2) in the model.
tutorial.edit_file(
    "billtracker/data/bills.py",
    "import datetime\n\nfrom sqlalchemy import DateTime, Float, ForeignKey, String\n",
    "import datetime\nfrom decimal import Decimal\n\nfrom sqlalchemy import DateTime, ForeignKey, Numeric, String\n",
)
tutorial.edit_file(
    "billtracker/data/bills.py",
    "    paid: Mapped[float] = mapped_column(Float, default=0.0)\n"
    "    total: Mapped[float] = mapped_column(Float)\n",
    "    paid: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)\n"
    "    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))\n",
)
