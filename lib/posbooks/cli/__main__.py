"""``python -m posbooks.cli``."""

from posbooks.cli import main

raise SystemExit(main())
