#!/usr/bin/env bash
# Run Odoo with the project configuration (.state/odoo.conf), starting the
# private PostgreSQL when needed:  scripts/odoo.sh [shell] -d DB ARGS...
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
odoo_importable || die "Odoo 18 is not importable (run: ODOO_SOURCE=/path/to/odoo make test)"
pg_start
[[ -f $ODOO_CONF ]] || write_odoo_conf
odoo_cmd "$@"
