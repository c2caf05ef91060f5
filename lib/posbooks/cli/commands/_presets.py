"""The POS presets' names for argparse choices, without importing the readers (DuckDB) at
every CLI start; tests check it lists ``posbooks.pos.presets.PRESETS``."""

PRESET_NAMES = ("square", "toast", "loyverse", "generic")
