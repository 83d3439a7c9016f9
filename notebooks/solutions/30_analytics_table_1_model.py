tutorial.edit_file(
    "billtracker/data/analytics.py",
    "    viewed_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=datetime.datetime.now)\n",
    "    viewed_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=datetime.datetime.now)\n"
    "\n"
    "\n"
    "class Search(AnalyticsBase):\n"
    '    __tablename__ = "searches"\n'
    "\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    term: Mapped[str] = mapped_column(String(200))\n"
    "    searched_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=datetime.datetime.now)\n",
)
