# Importing this one module imports every model, so every table is registered
# on SqlAlchemyBase.metadata. Add a line here for each new model module.
from hovershare.data import locations, rentals, scooters, users  # noqa: F401
