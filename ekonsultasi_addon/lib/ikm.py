"""The Indeks Kepuasan Masyarakat (IKM) of the Survei Kepuasan Masyarakat
(SKM), as Peraturan Menteri PANRB No. 14 Tahun 2017 (Pedoman Penyusunan
Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik) computes it.

The method
----------
* The survey asks about the *unsur* (elements) of the service, U1 to U9
  (:data:`ELEMENTS`), each on a scale of 1 (tidak baik / tidak sesuai) to 4
  (sangat baik / sangat sesuai).
* NRR (*nilai rata-rata*) of an element: the sum of its scores over the
  number of respondents who scored it.
* Every element weighs the same: ``1 / number of elements``; the weighted
  mean of the NRR is the *nilai indeks* on the scale 1..4.
* IKM = nilai indeks x 25 (the *nilai konversi*, 25..100).
* The quality categories (*mutu pelayanan*) of the conversion value
  (:data:`CATEGORIES`): A Sangat Baik 88,31-100,00; B Baik 76,61-88,30;
  C Kurang Baik 65,00-76,60; D Tidak Baik 25,00-64,99. The published
  intervals leave gaps of 0,01 (88,30..88,31): a value is placed by the
  lower bound of the category above it, so 88,305 is B and 88,31 is A.

The elements of e-konsultasi
----------------------------
A consultation is free of charge: there is no fee to judge, so U4
(*biaya/tarif*) is not asked; an answer fixed at "sangat baik" would only
raise the index. The eight others apply (:data:`APPLICABLE`): U1 what the
konsulti must give (his SIMPEG account, topic, problem, documents), U2 the
procedure (the portal, re-submission), U3 the time (3 hari kerja), U5 the
product (the answer), U6 and U7 the konsultan's competence and conduct,
U8 the means (the application itself, on a phone), U9 how complaints and
suggestions are handled (re-submission, this survey).

Too few respondents
-------------------
With ``n`` respondents one of them moves the index by up to 75 / ``n``
points (all his scores from 4 to 1). Below ``min_respondents`` (a setting,
10 by default: one respondent then moves it by at most 7,5 points, less
than the width of a category, about 11,7) the index is not given:
:attr:`Ikm.index` is ``None`` and :attr:`Ikm.enough` false.

Nothing here imports Odoo.
"""

from dataclasses import dataclass

#: the unsur of PermenPANRB 14/2017, code -> Indonesian name
ELEMENTS = {
    "u1": "Persyaratan",
    "u2": "Sistem, mekanisme, dan prosedur",
    "u3": "Waktu penyelesaian",
    "u4": "Biaya/tarif",
    "u5": "Produk spesifikasi jenis pelayanan",
    "u6": "Kompetensi pelaksana",
    "u7": "Perilaku pelaksana",
    "u8": "Sarana dan prasarana",
    "u9": "Penanganan pengaduan, saran dan masukan",
}
#: the elements a free consultation service asks (see the module doc)
APPLICABLE = ("u1", "u2", "u3", "u5", "u6", "u7", "u8", "u9")
#: the scale of a score
SCALE = (1, 2, 3, 4)
#: the conversion factor from the 1..4 index to 25..100
CONVERSION = 25
#: (lower bound of the conversion value, letter, kinerja), best first
CATEGORIES = (
    (88.31, "A", "Sangat Baik"),
    (76.61, "B", "Baik"),
    (65.00, "C", "Kurang Baik"),
    (25.00, "D", "Tidak Baik"),
)
#: the default of the fewest respondents an index is shown for
DEFAULT_MIN_RESPONDENTS = 10


def category(value):
    """``(letter, kinerja)`` of a conversion value (25..100); ``None`` for
    ``None``."""
    if value is None:
        return None
    if not 25 <= value <= 100:
        raise ValueError(f"an IKM lies between 25 and 100, not {value!r}")
    for lower, letter, label in CATEGORIES:
        if value >= lower:
            return letter, label
    raise AssertionError("unreachable: the last category starts at 25")


def _check(scores, elements):
    for element in elements:
        value = scores.get(element)
        if value is not None and value not in SCALE:
            raise ValueError(f"a score of {element} is 1 to 4, not {value!r}")


@dataclass(frozen=True)
class Ikm:
    """The IKM of a set of responses.

    :param respondents: responses counted
    :param nrr: ``{element: NRR}`` (``None`` for an element nobody scored)
    :param index: the weighted NRR on the 1..4 scale, ``None`` when too few
        respondents (or nobody scored anything)
    :param enough: whether there are at least the minimum respondents
    """

    respondents: int
    nrr: dict
    index: float | None
    enough: bool

    @property
    def value(self):
        """The IKM: ``index`` x 25, 25..100 (``None`` as ``index``)."""
        return None if self.index is None else self.index * CONVERSION

    @property
    def category(self):
        """``(letter, kinerja)`` of :attr:`value`, or ``None``."""
        return category(self.value)


def compute(responses, elements=APPLICABLE, min_respondents=DEFAULT_MIN_RESPONDENTS):
    """The IKM of ``responses``: mappings ``{element: score}`` (scores 1..4,
    ``None`` or missing for an element not answered). A response that
    scores none of ``elements`` is not a respondent."""
    sums = dict.fromkeys(elements, 0)
    counts = dict.fromkeys(elements, 0)
    respondents = 0
    for scores in responses:
        _check(scores, elements)
        given = [e for e in elements if scores.get(e) is not None]
        if not given:
            continue
        respondents += 1
        for element in given:
            sums[element] += scores[element]
            counts[element] += 1
    nrr = {e: (sums[e] / counts[e] if counts[e] else None) for e in elements}
    scored = [value for value in nrr.values() if value is not None]
    enough = respondents >= max(min_respondents, 1)
    index = None
    if enough and scored:
        # each element weighs 1 / number of elements (those scored)
        weight = 1 / len(scored)
        index = sum(value * weight for value in scored)
    return Ikm(respondents=respondents, nrr=nrr, index=index, enough=enough)


def compute_by(rows, key, elements=APPLICABLE, min_respondents=DEFAULT_MIN_RESPONDENTS):
    """``{group: Ikm}`` of ``rows`` grouped by ``key(row)`` (a row is a
    mapping of scores with whatever the key reads); a key of ``None`` leaves
    the row out. Groups in the order of their first row."""
    groups = {}
    for row in rows:
        group = key(row)
        if group is not None:
            groups.setdefault(group, []).append(row)
    return {group: compute(members, elements, min_respondents) for group, members in groups.items()}


def format_value(ikm, too_few="Responden belum cukup"):
    """The IKM as a report prints it: ``82,50 (B, Baik)``; ``too_few`` when
    there are too few respondents; ``-`` when nobody answered."""
    if not ikm.respondents:
        return "-"
    if ikm.value is None:
        return too_few
    letter, label = ikm.category
    number = f"{ikm.value:.2f}".replace(".", ",")
    return f"{number} ({letter}, {label})"
