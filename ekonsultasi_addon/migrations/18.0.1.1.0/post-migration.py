# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed before 18.0.1.1.0 (issue 9):

* close sign-up: auth_signup's install had opened it to anyone (b2c) and
  turned on the password reset by e-mail; data/auth_signup_data.xml does it
  at install;
* forget the access tokens of consultations: links sent before open nothing;
* take Access Rights back from E-Konsultasi administrators who got them
  through the group (it no longer implies them)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"]
    if params.get_param("auth_signup.invitation_scope") == "b2c":
        params.set_param("auth_signup.invitation_scope", "b2b")
    if params.get_param("auth_signup.reset_password") == "True":
        params.set_param("auth_signup.reset_password", False)
    env["helpdesk.ticket"]._ekonsultasi_clear_access_tokens()
    env["res.users"]._ekonsultasi_drop_access_rights()
