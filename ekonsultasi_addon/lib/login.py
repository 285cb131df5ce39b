"""The one spelling of a login that authentication counts and looks up.

Directory logins (NIP, NIK, directory identifiers) are matched without
regard to case by the LDAP server and by auth_ldap (``lower(login)``), and a
typed login may carry spaces or characters that look the same (full-width
digits, zero-width spaces, which LDAP string preparation also drops). Every
spelling of one account must be *one* key, both for finding the account and
for counting failed logins, otherwise each spelling gets its own failure
counter (issue 9: " NIP" and "NIP" were two accounts for the cooldown).
"""

import unicodedata


def normalize_login(login):
    """``login`` as authentication compares it: Unicode NFKC (full-width
    forms become ASCII), format characters (zero-width spaces, joiners,
    direction marks) removed, surrounding white space stripped, lower case.
    Anything but a string gives ``""``."""
    if not isinstance(login, str):
        return ""
    text = unicodedata.normalize("NFKC", login)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return text.strip().lower()
