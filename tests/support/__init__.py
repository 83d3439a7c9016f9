"""The helpers the tests share, one module per job (fixtures stay in ``tests/conftest.py``)."""
