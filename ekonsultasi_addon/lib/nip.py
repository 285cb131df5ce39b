"""Identity numbers of konsulti and konsultan: NIP, NI PPPK and NIK.

* NIP of a PNS (18 digits, no check digit): birth date ``YYYYMMDD`` (1-8),
  year and month of appointment as CPNS ``YYYYMM`` (9-14), sex ``1``/``2``
  (15), sequence (16-18). Example ``196804111993031009``.
* NI PPPK (18 digits): birth date (1-8), year of appointment (9-12), a
  2-digit code (13-14, not a month), sex (15), sequence (16-18).
* NIK (16 digits, KTP number of wali nagari and perangkat nagari): region
  code (1-6), birth day (7-8; plus 40 for women), month (9-10), 2-digit year
  (11-12), sequence (13-16).

Functions return an error *code* (``None`` when valid) so that callers can
word the message in the user's language; :data:`MESSAGES` gives the English
source text of each code.
"""

import datetime
import re

NIP_PNS = "pns"
NIP_PPPK = "pppk"

_DIGITS = re.compile(r"^\d+$")

MESSAGES = {
    "nip_length": "A NIP has exactly 18 digits.",
    "nip_digits": "A NIP contains digits only.",
    "nip_birth_date": "Digits 1-8 of a NIP must be a valid birth date (YYYYMMDD).",
    "nip_appointment": (
        "Digits 9-14 of a NIP must be the year and month of appointment (YYYYMM),"
        " after the birth date."
    ),
    "nip_appointment_year": (
        "Digits 9-12 of an NI PPPK must be the year of appointment, after the birth date."
    ),
    "nip_sex": "Digit 15 of a NIP must be 1 (male) or 2 (female).",
    "nik_length": "A NIK has exactly 16 digits.",
    "nik_digits": "A NIK contains digits only.",
    "nik_birth_date": "Digits 7-12 of a NIK must be a valid birth date (DDMMYY).",
}


def normalize(number):
    """Strip the spaces, dots and dashes people type inside long numbers."""
    return re.sub(r"[\s.\-]", "", number or "")


def _date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def check_nip(nip, kind=NIP_PNS, today=None):
    """Return ``None`` if ``nip`` is a plausible NIP of the given kind, else
    the error code (a key of :data:`MESSAGES`)."""
    nip = normalize(nip)
    if not _DIGITS.match(nip):
        return "nip_digits"
    if len(nip) != 18:
        return "nip_length"
    today = today or datetime.date.today()
    birth = _date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if not birth or birth > today or birth.year < 1900:
        return "nip_birth_date"
    year = int(nip[8:12])
    if kind == NIP_PPPK:
        if not birth.year < year <= today.year:
            return "nip_appointment_year"
    else:
        month = int(nip[12:14])
        if not (1 <= month <= 12 and birth.year < year <= today.year):
            return "nip_appointment"
        if (year, month) > (today.year, today.month):
            return "nip_appointment"
    if nip[14] not in "12":
        return "nip_sex"
    return None


def check_nik(nik, today=None):
    """Return ``None`` if ``nik`` is a plausible NIK, else the error code."""
    nik = normalize(nik)
    if not _DIGITS.match(nik):
        return "nik_digits"
    if len(nik) != 16:
        return "nik_length"
    today = today or datetime.date.today()
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    # Two-digit year: a date in the future belongs to the previous century.
    birth = _date(2000 + year2, month, day)
    if birth and birth > today:
        birth = _date(1900 + year2, month, day)
    if not birth:
        return "nik_birth_date"
    return None


def nip_birth_date(nip):
    """Birth date encoded in a valid NIP (PNS or PPPK)."""
    nip = normalize(nip)
    return datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
