"""The database of a benchmark that fills its own data (bench_recap.py,
bench_pustaka.py): created once, without demo data, and the addon updated
only when its sources changed (a hash kept in ``ir.config_parameter``)."""
# pylint: disable=print-used  # a command-line tool's helper: what it prints is progress

import hashlib
from contextlib import closing
from pathlib import Path

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config

ADDON = "ekonsultasi_addon"


def addon_fingerprint():
    """A hash of the addon's sources."""
    root = Path(odoo.modules.module.get_module_path(ADDON))
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_database(dbname, key):
    """The registry of ``dbname`` with the addon up to date: created (no
    demo data) when missing, the addon updated when its sources changed
    since the hash stored under the system parameter ``key``."""
    fingerprint = addon_fingerprint()
    known = None
    if not odoo.service.db.exp_db_exist(dbname):
        print(f"creating the database {dbname} with {ADDON} (once, a few minutes)")
        odoo.service.db._create_empty_database(dbname)
    else:
        with closing(odoo.sql_db.db_connect(dbname).cursor()) as cr:
            cr.execute("SELECT 1 FROM pg_tables WHERE tablename = 'ir_config_parameter'")
            if cr.fetchone():
                cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (key,))
                known = (cr.fetchone() or [None])[0]
        if known == fingerprint:
            return Registry(dbname)
    config["init" if known is None else "update"] = {ADDON: 1}
    try:
        registry = Registry.new(dbname, update_module=True)
    finally:
        config["init"], config["update"] = {}, {}
    with registry.cursor() as cr:
        odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["ir.config_parameter"].set_param(
            key, fingerprint
        )
    return registry
