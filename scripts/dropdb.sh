#!/usr/bin/env bash
# Drop databases of the private cluster (and their filestore): scripts/dropdb.sh DB...
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pg_start
for db in "$@"; do db_drop "$db"; done
