"""Plain-Python logic of the e-konsultasi addon.

Nothing in this package imports Odoo, so it can be tested (and reused) on a
machine without Odoo: the test suite loads it as ``ekonsultasi_lib``.
"""
