"""The home: where posbooks keeps what it remembers (POSBOOKS_HOME).

``config`` reads settings and secrets, ``store`` is the SQLite (WAL) state store,
``crypto`` encrypts tokens at rest. Imports only ``posbooks.core``.
"""
