#!/usr/bin/env bash
# make docs: the documents of docs/ (Bahasa Indonesia) as HTML and PDF.
#  1. Sphinx in its own virtual environment .venv-docs/ (requirements-docs.txt),
#     never in the Python that holds Odoo; recreated when the pins change.
#  2. The data dictionary (docs/_generated/kamus_data.rst) from a database with
#     the addon installed: DOCS_DB, else the demo database (make demo), else the
#     test database (make test). The addon is updated in it first (-u) when its
#     code changed since the last make docs, so the dictionary cannot drift.
#     The model diagram (Graphviz, an optional apt package of lib.sh) is
#     drawn when dot is installed; without it a red banner says so.
#     The testing document (docs/_generated/pengujian_hasil.rst) from the
#     latest make test (.state/test-results/, pytest's JUnit report) and the
#     benchmark results of .state/bench/*.json (scripts/docs_testreport.py).
#  3. The screenshots of the user manual (docs/_generated/screenshots) from the
#     demo database (make demo) by scripts/docs_screenshots.py in headless
#     chromium: through the demo server when it runs (make demo), else through
#     an Odoo started for the purpose on a free port and stopped afterwards.
#     Without a demo database (or chromium) a red banner says so and the
#     documents are built without pictures.
#  4. sphinx-build: HTML in docs/_build/html, one page in docs/_build/singlehtml,
#     printed to docs/_build/pdf/ekonsultasi-dokumentasi.pdf by headless
#     chromium (an optional apt package of lib.sh: without it make docs
#     builds the HTML and fails). No LaTeX.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOCS="$ROOT/docs"
BUILD="$DOCS/_build"
VENV="$ROOT/.venv-docs"
PDF="$BUILD/pdf/ekonsultasi-dokumentasi.pdf"

ensure_docs_venv() {
    local stamp="$VENV/.requirements-docs.sha" want
    want="$(sha1sum "$ROOT/requirements-docs.txt" | cut -c1-40)"
    if [[ -x $VENV/bin/sphinx-build && -f $stamp && $(cat "$stamp") == "$want" ]]; then return 0; fi
    log "creating the virtual environment of the documentation ($VENV)"
    rm -rf "$VENV"
    # from the base Python, not from the project's .venv that holds Odoo
    "$BASE_PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --progress-bar off -q -r "$ROOT/requirements-docs.txt" >&2
    echo "$want" >"$stamp"
}

# addon_hash: changes whenever a file of the addon changes
addon_hash() {
    (cd "$ROOT" && find "$ADDON" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
        | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
}

docs_database() {
    if [[ -n ${DOCS_DB:-} ]]; then
        db_module_installed "$DOCS_DB" || die "DOCS_DB=$DOCS_DB has no $ADDON installed"
        echo "$DOCS_DB"
    elif db_module_installed "$DEMO_DB"; then
        echo "$DEMO_DB"
    elif db_module_installed "$TEST_DB"; then
        echo "$TEST_DB"
    else
        die "no database with $ADDON: run make demo (or make test) first, or set DOCS_DB"
    fi
}

generate_dictionary() {
    odoo_importable || die "Odoo 18 is not importable (first: ODOO_SOURCE=/path/to/odoo make demo)"
    pg_start
    [[ -f $ODOO_CONF ]] || write_odoo_conf
    local db stamp hash
    db="$(docs_database)"
    stamp="$STATE/docs-$db.addon.sha"
    hash="$(addon_hash)"
    if [[ ! -f $stamp || $(cat "$stamp") != "$hash" ]]; then
        log "updating $ADDON in $db for the data dictionary (the code changed since the last make docs)"
        # the lock of the harness process that owns this database
        if [[ $db == "$TEST_DB" ]]; then lock_fd test 8; else lock_fd demo 7; fi
        odoo_cmd -d "$db" -u "$ADDON" --stop-after-init --no-http \
            --logfile="$LOG_DIR/docs-update.log" 7>&- 8>&- \
            || { tail -n 40 "$LOG_DIR/docs-update.log" >&2
                 die "updating $ADDON in $db failed (log: $LOG_DIR/docs-update.log)"; }
        echo "$hash" >"$stamp"
    fi
    log "data dictionary from database $db"
    (cd "$ROOT" && "$PYTHON" scripts/docs_dictionary.py -c "$ODOO_CONF" -d "$db" \
        -o "$DOCS/_generated/kamus_data.rst" --dot "$DOCS/_generated/model_diagram.dot")
}

# screenshot_banner WHY: the documents are built without the pictures
screenshot_banner() {
    printf '\033[1;31m%s\033[0m\n' \
        "####################################################################" \
        "# NO SCREENSHOTS: $1" \
        "# The user manual is built WITHOUT its pictures." \
        "####################################################################" >&2
}

generate_screenshots() {
    local out="$DOCS/_generated/screenshots" url pid="" port status=0
    SCREENSHOTS_MISSING=""
    if ! db_module_installed "$DEMO_DB"; then
        SCREENSHOTS_MISSING="there is no demo database $DEMO_DB (run make demo, then make docs)"
        rm -rf "$out"
        screenshot_banner "$SCREENSHOTS_MISSING"
        return 0
    fi
    if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
        SCREENSHOTS_MISSING="chromium is not installed (apt-get install chromium)"
        screenshot_banner "$SCREENSHOTS_MISSING"
        return 0
    fi
    local demo_pid
    demo_pid="$(cat "$STATE/odoo-demo.pid" 2>/dev/null || true)"
    if [[ -n $demo_pid ]] && kill -0 "$demo_pid" 2>/dev/null && _port_busy "$HTTP_PORT"; then
        url="http://127.0.0.1:$HTTP_PORT"
        log "screenshots from the running demo server ($url)"
    else
        port="$(free_tcp_port)"
        url="http://127.0.0.1:$port"
        log "starting Odoo on $DEMO_DB at $url for the screenshots"
        odoo_cmd -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" --http-interface=127.0.0.1 \
            --http-port="$port" --pidfile="$STATE/odoo-docs.pid" --max-cron-threads=0 \
            --logfile="$LOG_DIR/docs-screenshots-odoo.log" 7>&- 8>&- &
        pid=$!
        for _ in $(seq 1 120); do
            "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
                "$url/web/login" 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
    fi
    "$PYTHON" "$ROOT/scripts/docs_screenshots.py" --url "$url" --db "$DEMO_DB" --out "$out" \
        || status=$?
    if [[ -n $pid ]]; then
        kill "$(cat "$STATE/odoo-docs.pid" 2>/dev/null || echo "$pid")" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rm -f "$STATE/odoo-docs.pid"
    fi
    if [[ $status -ne 0 ]]; then
        SCREENSHOTS_MISSING="scripts/docs_screenshots.py failed (status $status, see above)"
        screenshot_banner "$SCREENSHOTS_MISSING"
    fi
}

print_pdf() {
    local html="$BUILD/singlehtml/index.html" browser="" b
    mkdir -p "$(dirname "$PDF")"
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
    done
    # wkhtmltopdf is no fallback: Debian's build (unpatched Qt) prints
    # Sphinx's pages blank
    [[ -n $browser ]] || die "chromium is not installed: no PDF (apt-get install chromium); the HTML is in $BUILD/html"
    # --no-sandbox: chromium refuses to run as root without it (CI, containers);
    # page numbers and running title come from the @page rules of ekonsultasi.css
    "$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --print-to-pdf="$PDF" "file://$html" >"$BUILD/pdf/chromium.log" 2>&1 \
        || { cat "$BUILD/pdf/chromium.log" >&2; die "chromium could not print $html"; }
    [[ -s $PDF ]] || die "chromium wrote no PDF ($PDF, log: $BUILD/pdf/chromium.log)"
}

graphviz_banner() {
    printf '\033[1;31m%s\033[0m\n' \
        "####################################################################" \
        "# Graphviz (dot) is NOT installed: the documents are built WITHOUT" \
        "# the model diagram. Install it with:  apt-get install graphviz" \
        "####################################################################" >&2
}

start=$SECONDS
ensure_docs_venv
ensure_optional_apt_packages
command -v dot >/dev/null 2>&1 || graphviz_banner
generate_dictionary
generate_screenshots
# the testing document from the latest make test (and make bench) results
log "testing document from $STATE/test-results (the latest make test)"
"$PYTHON" "$ROOT/scripts/docs_testreport.py" --results "$STATE/test-results" \
    --bench "$STATE/bench" -o "$DOCS/_generated/pengujian_hasil.rst"
[[ -f $STATE/test-results/junit.xml ]] \
    || warn "no test results yet: the testing document says so (run make test, then make docs)"
log "sphinx-build: HTML"
"$VENV/bin/sphinx-build" -q -b html "$DOCS" "$BUILD/html" -w "$BUILD/warnings-html.log"
"$VENV/bin/sphinx-build" -q -b singlehtml "$DOCS" "$BUILD/singlehtml" -w "$BUILD/warnings-singlehtml.log"
if [[ -s $BUILD/warnings-html.log ]]; then
    warn "Sphinx reported the warnings above (kept in $BUILD/warnings-html.log)"
fi
log "printing the PDF"
print_pdf
command -v dot >/dev/null 2>&1 || graphviz_banner
[[ -z $SCREENSHOTS_MISSING ]] || screenshot_banner "$SCREENSHOTS_MISSING"
log "documentation built in $((SECONDS - start)) s:"
log "  HTML: $BUILD/html/index.html"
log "  PDF:  $PDF"
