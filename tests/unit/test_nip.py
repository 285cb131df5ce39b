"""NIP / NI PPPK / NIK checks (ekonsultasi_addon/lib/nip.py), without Odoo."""

import datetime

import pytest
from ekonsultasi_lib import nip

TODAY = datetime.date(2026, 11, 21)


@pytest.mark.parametrize(
    "number",
    [
        "196804111993031009",  # DOMAIN.md example
        "199002202015032001",
        "1968 0411 199303 1 009",  # as printed on a SK, with spaces
        "19680411.199303.1.009",
        "200001012026111001",  # appointed this month
    ],
)
def test_valid_pns_nip(number):
    assert nip.check_nip(number, today=TODAY) is None


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("19680411199303100", "nip_length"),
        ("1968041119930310090", "nip_length"),
        ("19680411199303100A", "nip_digits"),
        ("", "nip_digits"),
        ("196802301993031009", "nip_birth_date"),  # 30 February
        ("196813111993031009", "nip_birth_date"),  # month 13
        ("202701011993031009", "nip_birth_date"),  # born in the future
        ("189901011993031009", "nip_birth_date"),
        ("196804111993131009", "nip_appointment"),  # month 13
        ("196804111993001009", "nip_appointment"),  # month 00
        ("196804111960031009", "nip_appointment"),  # appointed before birth
        ("200001012026121001", "nip_appointment"),  # next month
        ("196804111993033009", "nip_sex"),
        ("196804111993030009", "nip_sex"),
    ],
)
def test_invalid_pns_nip(number, error):
    assert nip.check_nip(number, today=TODAY) == error
    assert error in nip.MESSAGES


def test_pppk_digits_13_14_are_not_a_month():
    # NI PPPK: birth date, year of appointment, code 21, sex, sequence
    pppk = "198507012023211003"
    assert nip.check_nip(pppk, nip.NIP_PPPK, today=TODAY) is None
    assert nip.check_nip(pppk, nip.NIP_PNS, today=TODAY) == "nip_appointment"
    assert nip.check_nip("198507012030211003", nip.NIP_PPPK, today=TODAY) == (
        "nip_appointment_year"
    )


@pytest.mark.parametrize("number", ["1303012505850001", "1303016505850002", "1303010101000003"])
def test_valid_nik(number):
    # 65 = 25 + 40: women's birth day
    assert nip.check_nik(number, today=TODAY) is None


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("130301250585000", "nik_length"),
        ("13030125058500011", "nik_length"),
        ("13030125058500X1", "nik_digits"),
        ("1303019905850001", "nik_birth_date"),
        ("1303013102850001", "nik_birth_date"),  # 31 February
        ("1303012513850001", "nik_birth_date"),  # month 13
    ],
)
def test_invalid_nik(number, error):
    assert nip.check_nik(number, today=TODAY) == error


def test_two_digit_year_of_nik_is_never_in_the_future():
    # born 1 Jan '30: 1930, not 2030
    assert nip.check_nik("1303010101300001", today=TODAY) is None


def test_birth_date_from_nip():
    assert nip.nip_birth_date("196804111993031009") == datetime.date(1968, 4, 11)


def test_lib_does_not_import_odoo():
    import sys

    with open(nip.__file__, encoding="utf-8") as module:
        source = module.read()
    assert "import odoo" not in source and "from odoo" not in source
    assert nip.__name__.startswith("ekonsultasi_lib")
    assert "ekonsultasi_lib" in sys.modules
