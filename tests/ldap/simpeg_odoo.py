"""Helpers of the Odoo tests of the SIMPEG integration (tests/odoo/test_simpeg_*.py):
a real slapd per test class and the ``res.company.ldap`` record pointing at it.

Odoo is imported by the callers only; this module needs nothing but the
helpers next to it.
"""

import contextlib
import unittest

import simpeg_data
import slapd
from simpeg_directory import start_simpeg_directory

LOGIN_FILTER = "(&(objectClass=inetOrgPerson)(uid=%s))"


def start_directory(n=60, tls=False, people=None):
    """A started SIMPEG directory of ``n`` generated people (or exactly
    ``people``), or SkipTest with the reason."""
    try:
        import ldap  # noqa: F401
    except ImportError as exc:
        raise unittest.SkipTest("python-ldap is not installed") from exc
    missing = slapd.missing_tools(tls=tls)
    if missing:
        raise unittest.SkipTest(
            "OpenLDAP test server unavailable, not installed: " + ", ".join(missing)
        )
    if people is not None:
        n = len(people)
    return start_simpeg_directory(n, tls=tls, people=people, page_size=7)


def regional_codes(env, company):
    """Perangkat daerah and villages with the codes of the generated
    directory (simpeg_data.UNIT_KERJA / NAGARI), in ``company``."""
    agencies = env["ekonsultasi.perangkat.daerah"].create(
        [
            {"name": name, "code": code, "company_id": company.id}
            for code, name in simpeg_data.UNIT_KERJA.items()
        ]
    )
    kecamatan = env["ekonsultasi.kecamatan"].create(
        {"name": "Kecamatan uji", "code": "T-13.03", "company_id": company.id}
    )
    villages = env["ekonsultasi.desa"].create(
        [
            {"name": name, "code": code, "kecamatan_id": kecamatan.id, "company_id": company.id}
            for code, name in simpeg_data.NAGARI.items()
        ]
    )
    return agencies, villages


def server_values(directory, company, **values):
    """Values of a ``res.company.ldap`` SIMPEG server for ``directory``."""
    server = directory.server
    vals = {
        "company": company.id,
        "ldap_server": "127.0.0.1",
        "ldap_server_port": server.port,
        "ldap_binddn": server.sync_dn,
        "ldap_password": server.sync_password,
        "ldap_base": server.people_dn,
        "ldap_filter": LOGIN_FILTER,
        "simpeg_enabled": True,
        "create_user": True,
        "ldap_timeout": 5,
        "simpeg_page_size": 7,
    }
    vals.update(values)
    return vals


def modify(directory, person, **values):
    """Replace attributes of ``person``'s entry (ldapmodify as admin)."""
    changes = "-\n".join(f"replace: {k}\n{k}: {v}\n" for k, v in values.items())
    directory.server.modify_ldif(f"dn: {person.dn}\nchangetype: modify\n{changes}")


def delete(directory, *people):
    directory.server.modify_ldif("".join(f"dn: {p.dn}\nchangetype: delete\n\n" for p in people))


def restore(directory, *people):
    """Put entries back as generated (after ``delete`` or ``modify``)."""
    existing = []
    for person in people:
        with contextlib.suppress(slapd.SlapdError):  # not there: nothing to delete
            delete(directory, person)
            existing.append(person)
    directory.server.add_ldif(simpeg_data.to_ldif(people))
    return existing


def setup_directory(case, count, **kwargs):
    """On a test class ``case``: a started directory of ``count`` generated
    people (``directory``, ``people`` by key), the company's regional codes
    (``agencies``, ``villages``) and its SIMPEG server record (``server``)."""
    case.directory = start_directory(count, **kwargs)
    case.people = case.directory.by_key()
    case.company = case.env.company
    case.agencies, case.villages = regional_codes(case.env, case.company)
    case.server = case.env["res.company.ldap"].create(server_values(case.directory, case.company))
