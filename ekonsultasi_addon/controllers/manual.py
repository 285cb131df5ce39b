# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import mimetypes
import os
from pathlib import Path

from markupsafe import escape
from werkzeug.security import safe_join

from odoo import http
from odoo.http import request
from odoo.tools import config

# the HTML manual that make docs builds next to the addon (docs/_build/html);
# a server whose manual is elsewhere sets ekonsultasi_manual_dir in odoo.conf
BUILT_MANUAL = Path(__file__).resolve().parents[2] / "docs" / "_build" / "html"


def manual_dir():
    return Path(config.get("ekonsultasi_manual_dir") or BUILT_MANUAL)


class EkonsultasiManual(http.Controller):
    """The user manual (make docs) served by Odoo at /panduan/, where the
    Panduan links point unless Settings name another address: the same in
    development (make demo) and behind nginx (make serve), with nothing to
    configure. Anyone may read it, before logging in too (how to log in)."""

    @http.route("/panduan", type="http", auth="public", sitemap=False, readonly=True)
    def manual_root(self, **kw):
        return request.redirect("/panduan/index.html", local=True)

    @http.route("/panduan/<path:subpath>", type="http", auth="public", sitemap=False, readonly=True)
    def manual_file(self, subpath, **kw):
        root = manual_dir()
        # safe_join refuses "..", absolute paths and the like: nothing outside
        # the manual's folder is ever read
        path = safe_join(str(root), subpath or "index.html")
        if path and os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not path or not os.path.isfile(path):
            return self._not_found(root)
        with open(path, "rb") as f:
            content = f.read()
        mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype == "application/javascript":
            mimetype += "; charset=utf-8"
        return request.make_response(
            content,
            headers=[("Content-Type", mimetype), ("Cache-Control", "public, max-age=3600")],
        )

    def _not_found(self, root):
        _ = request.env._
        if root.is_dir():
            message = _("This page is not in the user manual.")
        else:
            message = _(
                "The user manual has not been built on this server yet: the administrator "
                "builds it with make docs."
            )
        title = _("User manual")
        back = _("Back")
        body = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'/>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'/>"
            f"<title>{escape(title)}</title></head><body style='font-family: sans-serif;"
            f" margin: 2em'><h1>{escape(title)}</h1><p>{escape(message)}</p>"
            f"<p><a href='/'>{escape(back)}</a></p></body></html>"
        )
        return request.make_response(
            body, headers=[("Content-Type", "text/html; charset=utf-8")], status=404
        )
