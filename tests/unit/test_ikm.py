"""The IKM arithmetic of PermenPANRB 14/2017 (ekonsultasi_addon/lib/ikm.py),
without Odoo."""

import pytest
from ekonsultasi_lib import ikm


def respondents():
    """Ten respondents on the eight elements of e-konsultasi, and an
    eleventh who only wrote a comment (no score: not a respondent).

    ====  ===========================  ==========  =====
    unsur scores of the 10 respondents  sum         NRR
    ====  ===========================  ==========  =====
    U1    7 x 4, 3 x 3                  28 + 9      3,70
    U2    10 x 3                        30          3,00
    U3    5 x 4, 5 x 2                  20 + 10     3,00
    U5    10 x 4                        40          4,00
    U6    6 x 4, 4 x 3                  24 + 12     3,60
    U7    8 x 4, 2 x 3                  32 + 6      3,80
    U8    9 x 3, 1 x 1                  27 + 1      2,80
    U9    4 x 4, 4 x 3, 2 x 2           16 + 12 + 4 3,20
    ====  ===========================  ==========  =====

    Each of the 8 elements weighs 1/8 = 0,125. Sum of the NRR: 27,10;
    weighted: 27,10 x 0,125 = 3,3875 (nilai indeks); IKM = 3,3875 x 25 =
    84,6875, between 76,61 and 88,30: B, Baik."""
    rows = []
    for i in range(10):
        rows.append(
            {
                "u1": 4 if i < 7 else 3,
                "u2": 3,
                "u3": 4 if i < 5 else 2,
                "u5": 4,
                "u6": 4 if i < 6 else 3,
                "u7": 4 if i < 8 else 3,
                "u8": 1 if i == 9 else 3,
                "u9": 4 if i < 4 else (3 if i < 8 else 2),
            }
        )
    rows.append({"comment": "Terima kasih."})
    return rows


def test_worked_example():
    result = ikm.compute(respondents())
    assert result.respondents == 10
    assert result.nrr == pytest.approx(
        {"u1": 3.7, "u2": 3.0, "u3": 3.0, "u5": 4.0, "u6": 3.6, "u7": 3.8, "u8": 2.8, "u9": 3.2}
    )
    assert result.index == pytest.approx(3.3875)
    assert result.value == pytest.approx(84.6875)
    assert result.category == ("B", "Baik")
    assert ikm.format_value(result) == "84,69 (B, Baik)"


def test_u4_is_not_asked_of_a_free_service():
    assert "u4" not in ikm.APPLICABLE
    assert set(ikm.APPLICABLE) | {"u4"} == set(ikm.ELEMENTS)
    # a fee element answered anyway does not count
    rows = [dict(row, u4=4) for row in respondents()[:10]]
    assert ikm.compute(rows).value == pytest.approx(84.6875)
    # with the nine elements of the regulation the same answers give more
    nine = ikm.compute(rows, elements=tuple(ikm.ELEMENTS))
    assert nine.value == pytest.approx((27.1 + 4) / 9 * 25)


def test_too_few_respondents_is_no_score():
    result = ikm.compute(respondents(), min_respondents=11)
    assert (result.respondents, result.enough, result.index, result.value) == (
        10,
        False,
        None,
        None,
    )
    assert result.category is None
    # the NRR per element are still known
    assert result.nrr["u5"] == 4.0
    assert ikm.format_value(result) == "Responden belum cukup"
    assert ikm.format_value(ikm.compute([])) == "-"
    assert ikm.compute(respondents(), min_respondents=10).enough


def test_element_left_blank_counts_its_own_respondents():
    """Two respondents: the second leaves U9 blank. NRR of U9 = 4 / 1 = 4;
    the others (4 + 2) / 2 = 3; index (7 x 3 + 4) / 8 = 3,125; IKM 78,125."""
    rows = [dict.fromkeys(ikm.APPLICABLE, 4), dict.fromkeys(ikm.APPLICABLE, 2)]
    rows[1]["u9"] = None
    result = ikm.compute(rows, min_respondents=1)
    assert result.nrr["u9"] == 4.0 and result.nrr["u1"] == 3.0
    assert result.value == pytest.approx(78.125)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, ("A", "Sangat Baik")),
        (88.31, ("A", "Sangat Baik")),
        (88.30, ("B", "Baik")),
        (88.305, ("B", "Baik")),  # in the gap: below A's lower bound
        (76.61, ("B", "Baik")),
        (76.60, ("C", "Kurang Baik")),
        (65.00, ("C", "Kurang Baik")),
        (64.99, ("D", "Tidak Baik")),
        (25, ("D", "Tidak Baik")),
    ],
)
def test_categories(value, expected):
    assert ikm.category(value) == expected


def test_scores_and_values_checked():
    with pytest.raises(ValueError):
        ikm.compute([{"u1": 5}])
    with pytest.raises(ValueError):
        ikm.category(24.99)


def test_by_group():
    rows = respondents()[:10]
    for i, row in enumerate(rows):
        row["agency"] = "Inspektorat" if i < 6 else "BKAD"
    groups = ikm.compute_by(rows, lambda r: r["agency"], min_respondents=5)
    assert list(groups) == ["Inspektorat", "BKAD"]
    assert groups["Inspektorat"].respondents == 6
    assert groups["BKAD"].value is None  # 4 respondents, fewer than 5
    assert groups["BKAD"].respondents == 4
