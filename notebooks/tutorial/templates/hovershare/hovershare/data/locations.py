from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hovershare.data.modelbase import SqlAlchemyBase


class Location(SqlAlchemyBase):
    """A place where scooters are parked."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    street: Mapped[str] = mapped_column(String)
    city: Mapped[str] = mapped_column(String, index=True)

    scooters: Mapped[list["Scooter"]] = relationship(back_populates="location", order_by="Scooter.id")
