# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed before 18.0.1.2.1 (issue 11) had the national
holidays imported onto every calendar, Odoo's standard English-named ones
included, which no answer limit is counted on: an administrator saw four
calendars with days off that mean nothing. They are removed; days off added
by hand, and those of the calendars that count, stay.

The app was renamed E-Konsultasi in English only on databases that already
had helpdesk_mgmt's Indonesian name: there the menu still read "Helpdesk".
It reads E-Konsultasi in every language, as on a new database."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["resource.calendar"]._ekonsultasi_remove_stray_holidays()
    menu = env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
    langs = [code for code, _name in env["res.lang"].get_installed()]
    menu.update_field_translations("name", dict.fromkeys(langs, "E-Konsultasi"))
