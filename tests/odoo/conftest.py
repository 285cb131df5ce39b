"""Lets the Odoo tests of this folder import their shared base classes
(``ekonsultasi_common``). Imports nothing from Odoo itself."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
