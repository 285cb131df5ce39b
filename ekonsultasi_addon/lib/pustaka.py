# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pustaka Jawaban: the plain logic of the answer library.

Two things, with no Odoo in them:

* :func:`find_personal_data` marks what looks like personal data in a text
  (NIP, NIK, names, units, nagari, amounts, dates) for a person to confirm
  or generalise before an answer is published (UU 27/2022);
* :func:`stems` and :func:`tsquery` make the search words. PostgreSQL has
  no Indonesian stemmer (its ``simple`` configuration only lower-cases), so
  Indonesian word forms (*pengadaan*, *mengadakan*, *diadakan*) are brought
  to one stem here, without a dictionary: suffixes, then prefixes (with the
  nasal of *meN-*/*peN-*), then the first consonant of a root that the nasal
  may have swallowed (*k*, *t*, *s*, *p* before a vowel: *kelola* and
  *mengelola* both give ``elola``). A stem is not always the real root
  (``jalan`` gives ``jal``); what matters for searching is that documents
  and questions are stemmed the same way. The stems are indexed with the
  ``simple`` configuration (a GIN index over a tsvector).
"""

import re
from collections import namedtuple

# a published entry is reviewed this many months after its publication
REVIEW_MONTHS = 12
# the suggestion query keeps the most telling words of a long problem
MAX_QUERY_TERMS = 24
# a stem found in more than this share of the published entries does not
# make an entry a match (see informative); it still counts in the rank
COMMON_SHARE = 0.1
COMMON_MIN_ENTRIES = 50

VOWELS = frozenset("aeiou")
WORD = re.compile(r"[a-z]+")

# Indonesian function words, and the words of greeting and asking that
# every consultation has
STOP_WORDS = frozenset(
    [
        "ada",
        "adalah",
        "agar",
        "akan",
        "aku",
        "anda",
        "apa",
        "apakah",
        "atas",
        "atau",
        "bagaimana",
        "bagi",
        "bahwa",
        "baik",
        "banyak",
        "bapak",
        "beberapa",
        "belum",
        "berapa",
        "bila",
        "bisa",
        "boleh",
        "bu",
        "buat",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "demikian",
        "dengan",
        "di",
        "dia",
        "ibu",
        "ini",
        "itu",
        "jadi",
        "jika",
        "juga",
        "kalau",
        "kami",
        "kamu",
        "kapan",
        "karena",
        "ke",
        "kenapa",
        "kepada",
        "ketika",
        "kita",
        "lagi",
        "lain",
        "lalu",
        "maka",
        "mana",
        "masih",
        "mau",
        "melalui",
        "menjadi",
        "mereka",
        "misalnya",
        "mohon",
        "mengapa",
        "namun",
        "oleh",
        "pada",
        "para",
        "per",
        "perlu",
        "pun",
        "saat",
        "saja",
        "sama",
        "sampai",
        "saya",
        "se",
        "sebagai",
        "sebelum",
        "sedang",
        "sehingga",
        "sejak",
        "selama",
        "semua",
        "sendiri",
        "sesuai",
        "setelah",
        "siapa",
        "sudah",
        "supaya",
        "tanya",
        "telah",
        "tentang",
        "terhadap",
        "terima",
        "kasih",
        "tersebut",
        "tetapi",
        "tidak",
        "untuk",
        "yaitu",
        "yang",
        "bertanya",
        "menanyakan",
        "ditanyakan",
        "pertanyaan",
        "pertanyaannya",
        "assalamualaikum",
        "bantuannya",
        "hormat",
        "ingin",
        "izin",
        "malam",
        "pagi",
        "selamat",
        "siang",
        "sore",
        "tahu",
        "wr",
        "wb",
        "yth",
    ]
)

PARTICLES = ("lah", "kah", "tah", "pun")
# -ku and -mu are rare in letters to a government and end many roots
# (laku, ilmu): only -nya is taken off
POSSESSIVES = ("nya",)
DERIVATIONAL = ("kan", "an", "i")

MIN_STEM = 3


def _strip_suffixes(word):
    """``word`` without its particle, possessive and derivational suffix,
    and whether a derivational suffix went (for the confix *ke-...-an*)."""
    for group in (PARTICLES, POSSESSIVES):
        for suffix in group:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
    for suffix in DERIVATIONAL:
        # -i only on longer words, and never after a: "hari", "pakai",
        # "sampai", "pegawai" keep theirs
        if suffix == "i" and (len(word) < 6 or word[-2] == "a"):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)], True
    return word, False


# prefixes that are also the start of many roots (periksa, tetap, beras,
# kelola, sedia): a word is indexed under both readings
WEAK_PREFIXES = ("per", "ter", "ber", "be", "ke", "se")


def _strip_prefix(word, confix):
    """One prefix off ``word`` as ``(rest, weak)``, or ``None``."""
    for nasal in ("meng", "peng", "meny", "peny", "mem", "pem", "men", "pen"):
        if word.startswith(nasal) and len(word) - len(nasal) >= 3:
            return word[len(nasal) :], False
    for prefix in ("ber", "ter", "per", "me", "pe", "be", "di", "ke", "se"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            rest = word[len(prefix) :]
            # "me"/"pe" only before the consonants that take no nasal
            if prefix in ("me", "pe") and rest[0] not in "lrwymn":
                continue
            # "be" before r (be-rencana) and in be-kerja only: belum, besar
            if prefix == "be" and rest[0] not in "rk":
                continue
            # "ke" alone is rare: only as the confix ke-...-an
            if prefix == "ke" and not confix:
                continue
            return rest, prefix in WEAK_PREFIXES
    return None


def _canonical(root, word):
    # the consonant a nasal prefix swallows: kelola / mengelola -> elola
    if len(root) >= 4 and root[0] in "ktsp" and root[1] in VOWELS:
        root = root[1:]
    return root if len(root) >= MIN_STEM else word


def stem_variants(word):
    """The search stems of one lower-case word: its stem, and when a weak
    prefix was taken off (``WEAK_PREFIXES``), the stem without taking it
    off too (*periksa* is a root, *peraturan* is per-atur-an)."""
    if len(word) < 4:
        return (word,)
    root, confix = _strip_suffixes(word)
    variants = []
    for _i in range(2):  # ke-pe-gawai-an, mem-per-tanggungjawab-kan
        stripped = _strip_prefix(root, confix)
        if stripped is None:
            break
        rest, weak = stripped
        if weak:
            variants.append(_canonical(root, word))
        root = rest
    variants.insert(0, _canonical(root, word))
    return tuple(dict.fromkeys(variants))


def stem(word):
    """The main search stem of one lower-case word."""
    return stem_variants(word)[0]


def words(text):
    """The lower-case words of ``text``, stop words left out."""
    return [w for w in WORD.findall((text or "").lower()) if w not in STOP_WORDS]


def stems(text):
    """The stems of ``text`` (every reading of each word) as one string:
    what the index holds."""
    return " ".join(s for w in words(text) for s in stem_variants(w))


def query_terms(text, limit=MAX_QUERY_TERMS):
    """The distinct stems of a question, longest words first when there
    are more than ``limit`` (short ones say less)."""
    seen = {}
    for word in words(text):
        if len(word) < MIN_STEM:
            continue
        for variant in stem_variants(word):
            seen.setdefault(variant, word)
    terms = list(seen)
    if len(terms) > limit:
        terms = sorted(terms, key=lambda t: -len(seen[t]))[:limit]
    return terms


def informative(terms, common):
    """The ``terms`` that make an entry a match: those not in ``common``
    (the stems of many entries, which tell little of a question and would
    make most entries candidates), unless nothing would be left. The rank
    still counts every term."""
    kept = [t for t in terms if t not in common]
    return kept or terms


def tsquery(terms):
    """A ``to_tsquery('simple', ...)`` text matching any of ``terms``
    (letters only: nothing of the user's text reaches the query syntax)."""
    return " | ".join(t for t in terms if WORD.fullmatch(t))


# ----------------------------------------------------------------------
# Personal data
# ----------------------------------------------------------------------

Mark = namedtuple("Mark", "kind start end text")

MONTHS = (
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|"
    "oktober|november|nopember|desember|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des"
)
PATTERNS = (
    # NIP: 18 digits, also written 8 6 1 3 with spaces
    ("nip", re.compile(r"(?<!\d)\d{8}[ .]?\d{6}[ .]?\d[ .]?\d{3}(?!\d)")),
    ("nik", re.compile(r"(?<!\d)\d{16}(?!\d)")),
    (
        "amount",
        re.compile(
            r"(?i)\bRp\.?\s?\d+(?:[.,]\d+)*(?:,-|\s?(?:ribu|rb|juta|jt|miliar|milyar|triliun)\b)?"
            r"|\b\d+(?:[.,]\d+)*\s?(?:ribu|juta|miliar|milyar|triliun)\s+rupiah\b"
        ),
    ),
    (
        "date",
        re.compile(
            r"(?i)(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?!\d)"
            rf"|\b\d{{1,2}}\s+(?:{MONTHS})\.?\s+\d{{4}}\b"
        ),
    ),
)
# the parts of a name that name no one (titles, degrees)
NAME_NOISE = frozenset(
    [
        "drs",
        "dra",
        "dr",
        "ir",
        "hj",
        "h",
        "prof",
        "se",
        "sh",
        "mh",
        "mm",
        "msi",
        "mpd",
        "spd",
        "skom",
        "sst",
        "st",
        "mt",
        "mak",
        "ak",
        "mkes",
        "amd",
        "bin",
        "binti",
    ]
)


def _literal(kind, values, min_length):
    for value in values:
        value = " ".join((value or "").split())
        if len(value) >= min_length:
            yield kind, re.compile(rf"(?i)(?<!\w){re.escape(value)}(?!\w)")


def name_parts(name):
    """The full name, the name without titles and degrees, and its parts
    that could name the person alone: *Siti Rahmah, S.Pd.* gives
    ``["Siti Rahmah, S.Pd.", "Siti Rahmah", "Siti", "Rahmah"]``."""
    name = " ".join((name or "").split())
    if not name:
        return []
    bare = [
        part.strip(".")
        for part in re.split(r"[\s,]+", name)
        if part.strip(".").replace(".", "").lower() not in NAME_NOISE
    ]
    parts = [name, " ".join(bare)]  # "Siti Rahmah, S.Pd." is written "Siti Rahmah"
    parts += [part for part in bare if len(part) >= 3]
    return [p for p in dict.fromkeys(parts) if p]


def find_personal_data(text, names=(), units=(), places=()):
    """What looks like personal data in ``text``, as :class:`Mark` tuples
    sorted by position, overlaps removed (the first and longest wins).

    ``names``: the konsulti and other people (their parts are looked for
    too, see :func:`name_parts`); ``units``: his agency, position, village;
    ``places``: the nagari/desa names of the region.
    """
    text = text or ""
    patterns = list(PATTERNS)
    patterns += _literal("name", [p for n in names for p in name_parts(n)], 3)
    patterns += _literal("unit", units, 3)
    patterns += _literal("place", places, 3)
    found = []
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            found.append(Mark(kind, match.start(), match.end(), match.group(0)))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    marks, end = [], -1
    for mark in found:
        if mark.start >= end:
            marks.append(mark)
            end = mark.end
    return marks


def replace_all(text, old, new):
    """``text`` with every ``old`` (case-insensitive, whole words) replaced."""
    if not old:
        return text
    return re.sub(rf"(?i)(?<!\w){re.escape(old)}(?!\w)", lambda _m: new, text or "")
