"""The login key of authentication (ekonsultasi_addon/lib/login.py), without Odoo."""

import pytest
from ekonsultasi_lib.login import normalize_login


@pytest.mark.parametrize(
    "typed",
    [
        "nagari.timbulun.kaur-keuangan",
        " nagari.timbulun.kaur-keuangan",
        "nagari.timbulun.kaur-keuangan \t\n",
        "NAGARI.Timbulun.KAUR-keuangan",
        "\u200bnagari.timbulun\u200d.kaur-keuangan\ufeff",
        "\u202enagari.timbulun.kaur-keuangan",
        "ＮＡＧＡＲＩ.timbulun.kaur－keuangan",
        "\u00a0nagari.timbulun.kaur-keuangan\u3000",
    ],
)
def test_spellings_of_one_login_are_one_key(typed):
    assert normalize_login(typed) == "nagari.timbulun.kaur-keuangan"


def test_nip_in_full_width_digits():
    assert normalize_login("１９９００２２０２０１５０３１００１") == "199002202015031001"


@pytest.mark.parametrize("value", [None, 42, b"admin", ""])
def test_not_a_string_is_empty(value):
    assert normalize_login(value) == ""


def test_inner_spaces_and_other_letters_are_kept():
    # a different login, not a spelling of the same one
    assert normalize_login("1990 0220") == "1990 0220"
    assert normalize_login("Désy") == "désy"
