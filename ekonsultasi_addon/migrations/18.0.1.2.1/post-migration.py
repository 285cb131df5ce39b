# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed or migrated before 18.0.1.2.1 (issue 11): sign-up was
closed with ``auth_signup.invitation_scope`` = ``b2i``, which is not a value
of auth_signup's setting (``b2b`` *On invitation*, ``b2c`` *Free sign up*):
every settings page (General Settings, Helpdesk settings with the Inspektur)
failed to open with "Wrong value for res.config.settings.auth_signup_uninvited".
Sign-up stays closed, now with the value the settings page knows.

The password reset by e-mail had been turned off by storing the text
``False``, which the settings page reads as on (any stored text is true):
it showed *Password Reset* ticked, and its next save, for anything, turned
the reset back on. Off is no parameter, as the settings page writes it."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    params = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
    if params.get_param("auth_signup.invitation_scope") == "b2i":
        params.set_param("auth_signup.invitation_scope", "b2b")
    if params.get_param("auth_signup.reset_password") == "False":
        params.set_param("auth_signup.reset_password", False)
