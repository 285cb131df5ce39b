"""Sphinx configuration of the E-Konsultasi documents (make docs, scripts/docs.sh).

Pages in Bahasa Indonesia; the data dictionary (docs/_generated/kamus_data.rst)
is written from the database by scripts/docs_dictionary.py before Sphinx runs.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_manifest = ast.literal_eval(
    (ROOT / "ekonsultasi_addon" / "__manifest__.py").read_text(encoding="utf-8")
)

project = "E-Konsultasi"
author = _manifest.get("author", "")
copyright = author
version = release = _manifest["version"]
language = "id"
today_fmt = "%d %B %Y"

# the model diagram (docs/_generated/model_diagram.dot) needs Graphviz's dot;
# scripts/docs.sh installs it when it can and warns loudly when it is missing
extensions = ["sphinx.ext.graphviz"]
graphviz_output_format = "svg"
root_doc = "index"
# shell commands and configuration: no colouring that suggests a language
highlight_language = "none"
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store"]
templates_path = []

html_theme = "alabaster"
html_title = f"Dokumentasi E-Konsultasi {release}"
html_static_path = ["_static"]
html_css_files = ["ekonsultasi.css"]
html_theme_options = {
    "page_width": "1200px",
    "sidebar_width": "260px",
    "show_powered_by": False,
}
html_show_sourcelink = False


def _note_traceability(app, docname, source):
    """kebutuhan.rst depends on traceability.csv even while the file is missing
    (a failed csv-table records no dependency): the page is rebuilt once it
    appears or changes, not left as cached."""
    if docname == "kebutuhan":
        app.env.note_dependency("traceability.csv")


def _pesan_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """:pesan:`...`: a message the product itself shows, quoted as on screen.
    tests/unit/test_docs_messages.py checks that each one is a msgstr of
    ekonsultasi_addon/i18n/id.po (placeholders written as <...>)."""
    from docutils import nodes, utils

    quoted = nodes.inline(rawtext, utils.unescape(text), classes=["pesan-produk"])
    return [nodes.Text("\u201c"), quoted, nodes.Text("\u201d")], []


def setup(app):
    app.connect("source-read", _note_traceability)
    app.add_role("pesan", _pesan_role)
