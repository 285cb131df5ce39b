"""The user manual (docs/, built by make docs): where each person's part of it is.

The backend's and the portal's *Panduan* links open ``<base>/<page>#<label>``.
Each label is an explicit Sphinx label (``.. _label:``) in ``docs/<page>.rst``
(tests/odoo/test_manual_link.py checks that it is there), so the link cannot
point at a section that was renamed.
"""

# where the manual is served when no other address is set (Settings): the
# addon's route over the HTML that make docs builds (controllers/manual.py)
DEFAULT_BASE_URL = "/panduan/"

# role: (page of the HTML manual, explicit label of the section, or "" for
# the top of the page)
SECTIONS = {
    "administrator": ("administrator.html", "panduan-administrator"),
    "tim_pengelola": ("pengguna_tim_pengelola.html", "panduan-tim-pengelola"),
    "konsultan": ("pengguna_konsultan.html", "panduan-konsultan"),
    "konsulti": ("pengguna_konsulti.html", "panduan-konsulti"),
}

# the login page: how a konsulti logs in (before anyone is logged in)
LOGIN_SECTION = ("pengguna_konsulti.html", "panduan-konsulti-masuk")


def manual_url(base_url, role):
    """The address of ``role``'s part of the manual under ``base_url``."""
    return section_url(base_url, SECTIONS[role])


def section_url(base_url, section):
    """The address of ``section`` (page, label) of the manual under ``base_url``."""
    page, label = section
    base = (base_url or "").strip() or DEFAULT_BASE_URL
    if not base.endswith("/"):
        base += "/"
    return f"{base}{page}#{label}" if label else f"{base}{page}"
