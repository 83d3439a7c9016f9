from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hovershare.data.modelbase import SqlAlchemyBase


class Scooter(SqlAlchemyBase):
    __tablename__ = "scooters"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    model: Mapped[str] = mapped_column(String)
    battery_level: Mapped[int] = mapped_column(Integer, default=100)
    # Empty while the scooter is out on a rental.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))

    location: Mapped["Location | None"] = relationship(back_populates="scooters")
    rentals: Mapped[list["Rental"]] = relationship(back_populates="scooter", order_by="Rental.id")
