# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed before 18.0.1.2.1 (issue 11) had the national
holidays imported onto every calendar, Odoo's standard English-named ones
included, which no answer limit is counted on: an administrator saw four
calendars with days off that mean nothing. They are removed; days off added
by hand, and those of the calendars that count, stay."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["resource.calendar"]._ekonsultasi_remove_stray_holidays()
