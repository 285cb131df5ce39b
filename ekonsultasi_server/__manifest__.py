# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=missing-readme  # readme/*.md are the source (see ekonsultasi_addon)
{
    "name": "E-Konsultasi: server settings",
    "summary": "Loaded server-wide in production: a listen queue for Odoo's "
    "HTTP workers that holds a burst of requests",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "Hidden",
    "author": "ekonsultasi contributors",
    "website": "https://github.com/ekonsultasi/ekonsultasi",
    "development_status": "Alpha",
    "depends": ["base"],
    "data": [],
    "installable": True,
    "post_load": "post_load",
}
