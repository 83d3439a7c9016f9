# Importing this one module imports every model, so every table is registered
# on SqlAlchemyBase.metadata. Add a line here for each new model module.
from billtracker.data import bills, users  # noqa: F401
