import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hovershare.data.modelbase import SqlAlchemyBase


class Rental(SqlAlchemyBase):
    """One ride: who rode which scooter, from when, until when (empty while riding)."""

    __tablename__ = "rentals"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scooter_id: Mapped[int] = mapped_column(ForeignKey("scooters.id"))
    start_time: Mapped[datetime.datetime] = mapped_column(DateTime, index=True)
    end_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)

    user: Mapped["User"] = relationship(back_populates="rentals")
    scooter: Mapped["Scooter"] = relationship(back_populates="rentals")
