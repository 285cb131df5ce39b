"""Realistic SIMPEG-like directory entries for tests and benchmarks.

``generate(n, seed)`` returns ``n`` :class:`Person` objects, always the same for
the same arguments. The first ones are fixed cases the tests look up by key
(:data:`CASES`); the rest are drawn at random: PNS (most), PPPK (with an NI
PPPK), wali nagari and perangkat nagari (with a NIK, or only a directory
identifier), names with academic and religious titles, some without e-mail,
some with non-ASCII letters, some inactive (kedudukan hukum not ``01``), some
legacy entries named by ``cn`` instead of ``uid`` (their DN needs escaping).

``to_ldif(people)`` writes them as LDIF (``inetOrgPerson`` + ``simpegPerson``),
with ``userPassword`` as a salted SHA-1 of :func:`password_for`.
"""

import base64
import datetime
import hashlib
import random
from dataclasses import dataclass, field

from ldap.dn import escape_dn_chars as escape_dn_value

BASE_DN = "dc=sijunjungkab,dc=go,dc=id"
TODAY = datetime.date(2025, 6, 30)

# perangkat daerah of the demo data (code -> short name)
UNIT_KERJA = {
    "4.01": "Setda",
    "4.02": "Setwan",
    "6.01": "Inspektorat",
    "5.01": "Bappeda",
    "5.03": "BKPSDM",
    "5.02": "BKAD",
    "1.05.02": "BPBD",
    "2.16": "Diskominfo",
    "2.12": "Disdukcapil",
    "1.02": "Dinkes",
    "1.01": "Disdikbud",
    "1.03": "Dinas PUPR",
    "2.13": "DPMN",
    "2.18": "DPMPTSP",
    "1.06": "Dinsos",
    "1.05.01": "Satpol PP dan Damkar",
    "1.02.01": "RSUD Sijunjung",
}
UNKNOWN_UNIT_KERJA = "9.99"
NAGARI = {
    "13.03.03.2001": "Timbulun",
    "13.03.03.2002": "Tanjung Gadang",
    "13.03.04.2001": "Muaro",
    "13.03.04.2002": "Kandang Baru",
    "13.03.05.2001": "Sijunjung",
    "13.03.06.2001": "Kamang",
    "13.03.07.2001": "Padang Tarok",
    "13.03.08.2001": "Silongo",
    "13.03.09.2001": "Unggan",
    "13.03.10.2001": "Padang Sibusuk",
}
NAGARI_REGION = "130303"  # NIK region prefix (kabupaten Sijunjung, kecamatan 03)

MALE = [
    "Ahmad",
    "Budi",
    "Rizki",
    "Syafrizal",
    "Yusrizal",
    "Hendra",
    "Afrizal",
    "Zulkifli",
    "Irwan",
    "Doni",
    "Fadli",
    "Rahmat",
    "Andi",
    "Erizal",
    "Novrizal",
    "Muhammad",
    "Agus",
    "Yudi",
    "Taufik",
    "Firdaus",
    "Arief",
    "Joni",
    "Asril",
    "Mardianto",
]
FEMALE = [
    "Siti",
    "Rahmawati",
    "Yulia",
    "Desi",
    "Fitri",
    "Nurhayati",
    "Wirda",
    "Yeni",
    "Rina",
    "Mardiana",
    "Elvi",
    "Sri",
    "Lidya",
    "Novita",
    "Yusnita",
    "Dewi",
    "Rosmaini",
    "Ernawati",
    "Vivi",
    "Gusmiarni",
]
FAMILY = [
    "Putra",
    "Saputra",
    "Hidayat",
    "Nasution",
    "Siregar",
    "Chaniago",
    "Piliang",
    "Tanjung",
    "Koto",
    "Sikumbang",
    "Caniago",
    "Jambak",
    "Rahman",
    "Syahputra",
    "Permana",
    "Lubis",
    "Harahap",
    "Kurniawan",
    "Wahyuni",
    "Anggraini",
]
# a few names written with letters outside ASCII, as they are in SIMPEG
NON_ASCII = ["Désy", "Andréa", "Yohanés", "Ñurul", "Zoë", "René", "Beatrìx"]
FRONT_TITLES = ["Drs.", "Dra.", "Ir.", "Dr.", "dr.", "H.", "Hj."]
BACK_TITLES = [
    "S.E.",
    "M.Si.",
    "S.Kom.",
    "A.Md.",
    "S.H.",
    "M.M.",
    "S.Sos.",
    "S.Pd.",
    "S.T.",
    "Ak.",
    "M.Kes.",
    "S.Kep.",
    "S.I.P.",
    "M.A.P.",
]

# (jabatan name, jenisJabatanId, eselonId, jenjang)
STRUKTURAL = [
    ("Kepala Dinas", "1", "22", None),
    ("Sekretaris", "1", "31", None),
    ("Kepala Bidang Anggaran", "1", "32", None),
    ("Kepala Bagian Umum", "1", "32", None),
    ("Kepala Subbagian Keuangan", "1", "41", None),
    ("Kepala Seksi Pelayanan", "1", "42", None),
]
FUNGSIONAL = [
    ("Auditor Ahli Madya", "2", None, "MA"),
    ("Auditor Ahli Muda", "2", None, "MU"),
    ("Analis Kebijakan Ahli Madya", "2", None, "MA"),
    ("Pranata Komputer Ahli Muda", "2", None, "MU"),
    ("Pranata Komputer Ahli Pertama", "2", None, "PE"),
    ("Perencana Ahli Madya", "2", None, "MA"),
    ("Guru Ahli Pertama", "2", None, "PE"),
    ("Perawat Terampil", "2", None, "TR"),
    ("Pranata Keuangan APBN Mahir", "2", None, "MH"),
    ("Arsiparis Penyelia", "2", None, "PY"),
    ("Pengawas Penyelenggaraan Urusan Pemerintahan Daerah Ahli Utama", "2", None, "UT"),
]
PELAKSANA = [
    ("Pengadministrasi Umum", "4", None, None),
    ("Pengelola Keuangan", "4", None, None),
    ("Pengolah Data", "4", None, None),
    ("Bendahara", "4", None, None),
]
NAGARI_JABATAN = [
    "Wali Nagari",
    "Sekretaris Nagari",
    "Kepala Urusan Keuangan",
    "Kepala Urusan Tata Usaha dan Umum",
    "Kepala Seksi Pemerintahan",
    "Kepala Jorong",
]


@dataclass
class Person:
    """One directory entry and what the tests expect of it."""

    key: str
    dn: str
    login: str
    attrs: dict  # attribute name -> list of str
    kind: str  # pns, pppk, nagari
    active: bool = True
    flags: set = field(default_factory=set)  # invalid_nip, unknown_unit, special_dn, ...

    @property
    def password(self):
        return password_for(self.login)


def password_for(login):
    """The password of every generated person (tests and benchmarks)."""
    return f"Sandi-{login}!"


def ssha(password, salt):
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


# --------------------------------------------------------------------------
# identity numbers
# --------------------------------------------------------------------------
def _birth(rng, young=1998, old=1965):
    start = datetime.date(old, 1, 1)
    days = (datetime.date(young, 12, 31) - start).days
    return start + datetime.timedelta(days=rng.randrange(days))


def make_nip(rng, sex, used):
    """A valid PNS NIP: birth date, CPNS appointment YYYYMM, sex, sequence."""
    while True:
        birth = _birth(rng)
        year = rng.randint(min(birth.year + 20, 2024), 2024)
        nip = f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{sex}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def make_ni_pppk(rng, sex, used):
    """A valid NI PPPK: birth date, year of appointment, 2-digit code (here
    21, never a month-like value), sex, sequence."""
    while True:
        birth = _birth(rng, young=2000, old=1970)
        year = rng.randint(2021, 2024)
        number = f"{birth:%Y%m%d}{year}21{sex}{rng.randint(1, 999):03d}"
        if number not in used:
            used.add(number)
            return number


def make_nik(rng, female, used):
    while True:
        birth = _birth(rng, young=1995, old=1960)
        day = birth.day + (40 if female else 0)
        nik = f"{NAGARI_REGION}{day:02d}{birth:%m%y}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            return nik


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------
def make_name(rng, female, non_ascii=False):
    """(plain name, display name with titles)."""
    first = rng.choice(NON_ASCII) if non_ascii else rng.choice(FEMALE if female else MALE)
    parts = [first]
    if rng.random() < 0.6:
        parts.append(rng.choice(FAMILY))
    plain = " ".join(parts)
    front = []
    if rng.random() < 0.25:
        front.append("Hj." if female else "H.")
    if rng.random() < 0.2:
        front.insert(0, rng.choice(["Dra." if female else "Drs.", "Ir.", "Dr.", "dr."]))
    back = rng.sample(BACK_TITLES, k=rng.choice([0, 1, 1, 1, 2]))
    display = " ".join(front + [plain])
    if back:
        display += ", " + ", ".join(back)
    return plain, display


def _mail(plain, login, rng):
    local = ".".join(plain.lower().split()).encode("ascii", "ignore").decode() or "pegawai"
    return f"{local}.{login[-4:]}@sijunjung.go.id"


def _phone(rng):
    return f"+62 8{rng.randint(11, 59)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


# --------------------------------------------------------------------------
# entries
# --------------------------------------------------------------------------
def _entry(
    key,
    *,
    login,
    plain,
    display,
    kind,
    jabatan,
    unit=None,
    nagari=None,
    nik=None,
    kedudukan="01",
    mail=None,
    phone=None,
    mobile=None,
    rdn="uid",
    base_dn=BASE_DN,
    flags=(),
):
    title, jenis, eselon, jenjang = jabatan
    attrs = {
        "objectClass": ["inetOrgPerson", "simpegPerson"],
        "uid": [login],
        "cn": [plain],
        "sn": [plain.split()[-1]],
        "displayName": [display],
        "title": [title],
    }
    optional = {
        "mail": mail,
        "telephoneNumber": phone,
        "mobile": mobile,
        "simpegJenisJabatanId": jenis,
        "simpegEselonId": eselon,
        "simpegJenjang": jenjang,
        "simpegUnitKerja": unit,
        "simpegNagari": nagari,
        "simpegNik": nik,
        "simpegKedudukanHukum": kedudukan,
        "simpegStatusAsn": {"pns": "PNS", "pppk": "PPPK"}.get(kind),
    }
    attrs.update({k: [v] for k, v in optional.items() if v})
    value = login if rdn == "uid" else attrs["cn"][0]
    dn = f"{rdn}={escape_dn_value(value)},ou=people,{base_dn}"
    return Person(
        key=key,
        dn=dn,
        login=login,
        attrs=attrs,
        kind=kind,
        active=kedudukan in (None, "01"),
        flags=set(flags),
    )


def _fixed_cases(base_dn, used):
    """The cases the tests look up by key (login and data are fixed). Three
    logins are those of the demo users of the README (konsultan
    198001152005011003, konsulti 199002202015031001, perangkat nagari
    1303012505850001), so that a demo database can log them in."""
    b = base_dn
    return [
        _entry(
            "administrator",
            login="197805122003121002",
            plain="Syafrizal Chaniago",
            display="Drs. H. Syafrizal Chaniago, M.Si.",
            kind="pns",
            jabatan=("Inspektur Pembantu Wilayah I", "1", "31", None),
            unit="6.01",
            mail="syafrizal.chaniago@sijunjung.go.id",
            phone="+62 754 20001",
            mobile="+62 812 6600 1001",
            base_dn=b,
        ),
        _entry(
            "ahli_madya",
            login="198001152005011003",
            plain="Yulia Rahmawati",
            display="Hj. Yulia Rahmawati, S.E., Ak., M.M.",
            kind="pns",
            jabatan=("Auditor Ahli Madya", "2", None, "MA"),
            unit="6.01",
            mail="yulia.rahmawati@sijunjung.go.id",
            base_dn=b,
        ),
        _entry(
            "ahli_muda",
            login="198703032010012001",
            plain="Fitri Wahyuni",
            display="Fitri Wahyuni, S.Kom.",
            kind="pns",
            jabatan=("Pranata Komputer Ahli Muda", "2", None, "MU"),
            unit="2.16",
            mail="fitri.wahyuni@sijunjung.go.id",
            base_dn=b,
        ),
        _entry(
            "pelaksana",
            login="199002202015031001",
            plain="Rizki Putra",
            display="Rizki Putra, A.Md.",
            kind="pns",
            jabatan=("Pengadministrasi Umum", "4", None, None),
            unit="1.01",
            mail="rizki.putra@sijunjung.go.id",
            base_dn=b,
        ),
        _entry(
            "sekretaris_nagari",
            login="1303012505850001",
            plain="Asril Datuak Rajo Mudo",
            display="Asril Datuak Rajo Mudo",
            kind="nagari",
            jabatan=("Sekretaris Nagari", None, None, None),
            nagari="13.03.04.2001",
            nik="1303012505850001",
            kedudukan=None,
            mobile="+62 813 7400 2211",
            base_dn=b,
        ),
        _entry(
            "perangkat_nagari",
            login="nagari.timbulun.kaur-keuangan",
            plain="Rosmaini",
            display="Rosmaini, S.E.",
            kind="nagari",
            jabatan=("Kepala Urusan Keuangan", None, None, None),
            nagari="13.03.03.2001",
            kedudukan=None,
            base_dn=b,
        ),
        _entry(
            "pppk",
            login="199104072023212003",
            plain="Lidya Anggraini",
            display="Lidya Anggraini, S.Pd.",
            kind="pppk",
            jabatan=("Guru Ahli Pertama", "2", None, "PE"),
            unit="1.01",
            mail="lidya.anggraini@sijunjung.go.id",
            base_dn=b,
        ),
        _entry(
            "invalid_nip",
            login="196802301993031009",
            plain="Zulkifli Piliang",
            display="Zulkifli Piliang, S.H.",
            kind="pns",
            jabatan=("Kepala Seksi Pelayanan", "1", "42", None),
            unit="2.12",
            base_dn=b,
            flags={"invalid_nip"},
        ),
        _entry(
            "inactive",
            login="196505051990031004",
            plain="Muhammad Jambak",
            display="Drs. Muhammad Jambak",
            kind="pns",
            jabatan=("Pengelola Keuangan", "4", None, None),
            unit="5.02",
            kedudukan="99",
            base_dn=b,
        ),
        _entry(
            "unknown_unit",
            login="198512122011011005",
            plain="Hendra Koto",
            display="Hendra Koto, S.T.",
            kind="pns",
            jabatan=("Pengolah Data", "4", None, None),
            unit=UNKNOWN_UNIT_KERJA,
            base_dn=b,
            flags={"unknown_unit"},
        ),
        # legacy entry named by cn: comma, plus and quotes must be escaped
        _entry(
            "special_dn",
            login="197911112006042007",
            plain='Nurhayati "Ani", Sikumbang + Rekan',
            display='Dra. Hj. Nurhayati "Ani", Sikumbang + Rekan, M.A.P.',
            kind="pns",
            jabatan=("Kepala Bagian Umum", "1", "32", None),
            unit="4.01",
            rdn="cn",
            mail="nurhayati@sijunjung.go.id",
            base_dn=b,
            flags={"special_dn"},
        ),
        _entry(
            "non_ascii",
            login="198206062009022004",
            plain="Désy Ñurul Piliang",
            display="dr. Désy Ñurul Piliang, M.Kes.",
            kind="pns",
            jabatan=("Kepala Seksi Pelayanan", "1", "42", None),
            unit="1.02.01",
            mail="desy.piliang@sijunjung.go.id",
            base_dn=b,
            flags={"non_ascii"},
        ),
        _entry(
            "no_mail",
            login="199507172019031002",
            plain="Doni Saputra",
            display="Doni Saputra, S.Sos.",
            kind="pns",
            jabatan=("Bendahara", "4", None, None),
            unit="1.06",
            base_dn=b,
        ),
        _entry(
            "jpt",
            login="197001011995031001",
            plain="Afrizal Tanjung",
            display="Ir. H. Afrizal Tanjung, M.T.",
            kind="pns",
            jabatan=("Kepala Dinas", "1", "22", None),
            unit="1.03",
            base_dn=b,
        ),
        _entry(
            "pengawas",
            login="198308082008011002",
            plain="Taufik Hidayat",
            display="Taufik Hidayat, S.I.P.",
            kind="pns",
            jabatan=("Kepala Subbagian Keuangan", "1", "41", None),
            unit="5.03",
            base_dn=b,
        ),
    ]


CASES = [p.key for p in _fixed_cases(BASE_DN, set())]


def _random_person(rng, index, used_ids, base_dn):
    female = rng.random() < 0.48
    sex = "2" if female else "1"
    roll = rng.random()
    non_ascii = rng.random() < 0.01
    plain, display = make_name(rng, female, non_ascii)
    flags = {"non_ascii"} if non_ascii else set()
    kedudukan = "01" if rng.random() > 0.03 else rng.choice(["02", "04", "99"])
    mail_missing = rng.random() < 0.15
    if roll < 0.10:  # village officials
        jabatan = (rng.choice(NAGARI_JABATAN), None, None, None)
        nagari = rng.choice(list(NAGARI))
        if rng.random() < 0.8:
            nik = make_nik(rng, female, used_ids)
            login = nik
        else:
            nik = None
            login = f"nagari.{index:05d}"
        return _entry(
            f"r{index}",
            login=login,
            plain=plain,
            display=display,
            kind="nagari",
            jabatan=jabatan,
            nagari=nagari,
            nik=nik,
            kedudukan=None,
            mobile=_phone(rng) if rng.random() < 0.7 else None,
            base_dn=base_dn,
            flags=flags,
        )
    kind = "pppk" if roll < 0.22 else "pns"
    if kind == "pppk":
        login = make_ni_pppk(rng, sex, used_ids)
        jabatan = rng.choice(FUNGSIONAL[4:] + PELAKSANA)
    else:
        login = make_nip(rng, sex, used_ids)
        jabatan = rng.choice(STRUKTURAL + FUNGSIONAL * 2 + PELAKSANA * 3)
    if rng.random() < 0.005:  # a typo in SIMPEG: appointment month 13
        login = login[:12] + "13" + login[14:]
        if login in used_ids:
            login = login[:-3] + f"{index % 1000:03d}"
        used_ids.add(login)
        flags.add("invalid_nip")
    return _entry(
        f"r{index}",
        login=login,
        plain=plain,
        display=display,
        kind=kind,
        jabatan=jabatan,
        unit=rng.choice(list(UNIT_KERJA)),
        kedudukan=kedudukan,
        mail=None if mail_missing else _mail(plain, login, rng),
        phone=f"+62 754 {rng.randint(20000, 29999)}" if rng.random() < 0.3 else None,
        mobile=_phone(rng) if rng.random() < 0.6 else None,
        rdn="cn" if rng.random() < 0.01 else "uid",
        base_dn=base_dn,
        flags=flags,
    )


def generate(n, seed=20240601, base_dn=BASE_DN):
    """``n`` people: the fixed cases first, then random ones."""
    used = set()
    people = _fixed_cases(base_dn, used)[:n]
    used.update(p.login for p in people)
    rng = random.Random(seed)
    seen_dns = {p.dn for p in people}
    index = len(people)
    while len(people) < n:
        person = _random_person(rng, index, used, base_dn)
        index += 1
        if person.dn in seen_dns:  # two legacy entries with the same cn
            continue
        seen_dns.add(person.dn)
        people.append(person)
    return people


def by_key(people):
    return {p.key: p for p in people}


# --------------------------------------------------------------------------
# LDIF
# --------------------------------------------------------------------------
def _ldif_line(name, value):
    safe = (
        value.isascii()
        and value == value.strip()
        and not value.startswith((":", "<"))
        and "\n" not in value
        and "\r" not in value
        and "\0" not in value
    )
    if safe:
        return f"{name}: {value}\n"
    return f"{name}:: {base64.b64encode(value.encode('utf-8')).decode()}\n"


def person_ldif(person, with_password=True, salt=b"tst!"):
    out = [_ldif_line("dn", person.dn)]
    for name, values in person.attrs.items():
        out.extend(_ldif_line(name, v) for v in values)
    if with_password:
        out.append(_ldif_line("userPassword", ssha(person.password, salt)))
    return "".join(out) + "\n"


def to_ldif(people, with_password=True):
    return "".join(person_ldif(p, with_password) for p in people)


def write_ldif(path, people, with_password=True):
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(person_ldif(person, with_password) for person in people)
    return path
