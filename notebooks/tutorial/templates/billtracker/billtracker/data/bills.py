import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billtracker.data.modelbase import SqlAlchemyBase


class Bill(SqlAlchemyBase):
    __tablename__ = "bills"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    created_date: Mapped[datetime.datetime] = mapped_column(DateTime, default=datetime.datetime.now, index=True)
    description: Mapped[str] = mapped_column(String)
    paid: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float] = mapped_column(Float)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped["User"] = relationship(back_populates="bills")
