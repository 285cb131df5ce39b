#!/usr/bin/env bash
# Restore an e-konsultasi backup into a running PostgreSQL (see
# scripts/restore.py and README "Backups and restore"):
#   scripts/restore.sh BACKUP.zip.gpg --key KEY_FILE -c /etc/odoo/odoo.conf [-d DB] [--neutralize]
# Run it as the user that runs Odoo (it writes into Odoo's data_dir), with
# the Python that has Odoo ($PYTHON, default python3).
set -euo pipefail
exec "${PYTHON:-python3}" "$(dirname "${BASH_SOURCE[0]}")/restore.py" "$@"
