"""Sub-commands of the ``posbooks`` CLI: one module each, with ``register(subparsers)``."""
