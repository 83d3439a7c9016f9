import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hovershare.data.modelbase import SqlAlchemyBase


class User(SqlAlchemyBase):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String)
    email: Mapped[str] = mapped_column(String, index=True, unique=True)
    created_date: Mapped[datetime.datetime] = mapped_column(DateTime, default=datetime.datetime.now)

    rentals: Mapped[list["Rental"]] = relationship(back_populates="user", order_by="Rental.id")
