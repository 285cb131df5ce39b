"""From a SIMPEG directory entry to the profile of a konsulti or konsultan.

No public LDAP schema of a pemda SIMPEG exists, so the attribute names are a
configurable :class:`SimpegMapping`. Its default (``DEFAULT_MAPPING``) is the
schema of the test directory (``tests/ldap/simpeg.schema``: the auxiliary
object class ``simpegPerson`` next to ``inetOrgPerson``); codes follow BKN
SIASN.

=====================  ========================  ==========================================
profile key            default attribute         meaning / values
=====================  ========================  ==========================================
``login``              ``uid``                   NIP (ASN), NIK or a directory identifier
                                                 (wali nagari / perangkat nagari)
``name``               ``displayName`` (``cn``)  full name with academic titles, kept as is
``email``              ``mail``                  often missing
``phone``              ``telephoneNumber``
``mobile``             ``mobile``
``nip``                ``uid``                   18 digits, checked with :mod:`.nip` (NI PPPK
                                                 rules when ``asn_type`` is ``pppk``); ASN only
``nik``                ``simpegNik`` (``uid``)   16 digits, village officials only; the login
                                                 when it has 16 digits and no ``simpegNik``
``asn_type``           ``simpegStatusAsn``       ``PNS`` -> ``pns``, ``PPPK`` -> ``pppk``
``konsulti_origin``    (derived)                 ``perangkat_daerah`` for an ASN (status or
                                                 unit kerja), ``desa`` for an entry with a
                                                 nagari or a NIK and no ASN status
``jabatan_name``       ``title``                 name of the position
``jenis_jabatan``      ``simpegJenisJabatanId``  ``1`` struktural: by eselon (1x/2x ``jpt``,
                       + ``simpegEselonId``      3x ``administrator``, 4x/5x ``pengawas``);
                                                 ``2`` ``fungsional``; ``4`` ``pelaksana``
``jenjang_fungsional`` ``simpegJenjang``         ``PE`` ahli_pertama, ``MU`` ahli_muda,
                                                 ``MA`` ahli_madya, ``UT`` ahli_utama,
                                                 ``PM`` pemula, ``TR`` terampil, ``MH`` mahir,
                                                 ``PY`` penyelia, or the grade written out
                                                 ("Ahli Madya"); functional positions only
``unit_kerja_code``    ``simpegUnitKerja``       code of the perangkat daerah (e.g. ``6.01``)
``nagari_code``        ``simpegNagari``          Kemendagri code (e.g. ``13.03.03.2001``)
(:func:`is_active`)    ``simpegKedudukanHukum``  ``01`` aktif; absent (village officials):
                                                 active
=====================  ========================  ==========================================

Only ``MA`` = ahli madya, ``jenisJabatanId`` 1/2/4, ``eselonId`` 31/32 and
``kedudukanHukum`` 01 come from public SIASN clients; the other jenjang codes
are this module's assumption and, like every attribute name, can be changed
with :meth:`SimpegMapping.from_dict`.

:func:`map_entry` never guesses: a value it cannot read (invalid NIP, unknown
unit kerja or nagari code, unknown code of jabatan) is left empty and
reported as a :class:`Problem`; a *blocking* problem (no login, no or
invalid NIP of an ASN) means the entry must not be used to create or update
an account.
"""

import dataclasses
import re

from . import nip as nip_lib

PROFILE_FIELDS = (
    "login",
    "name",
    "email",
    "phone",
    "mobile",
    "nip",
    "nik",
    "asn_type",
    "konsulti_origin",
    "jabatan_name",
    "jenis_jabatan",
    "jenjang_fungsional",
    "unit_kerja_code",
    "nagari_code",
)

JENIS_JABATAN_VALUES = ("jpt", "administrator", "pengawas", "fungsional", "pelaksana")
JENJANG_VALUES = (
    "ahli_pertama",
    "ahli_muda",
    "ahli_madya",
    "ahli_utama",
    "pemula",
    "terampil",
    "mahir",
    "penyelia",
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclasses.dataclass(frozen=True)
class SimpegMapping:
    """Attribute names and code tables of a SIMPEG directory."""

    login: str = "uid"
    name: str = "displayName"
    fallback_name: str = "cn"
    email: str = "mail"
    phone: str = "telephoneNumber"
    mobile: str = "mobile"
    nip: str = "uid"
    nik: str = "simpegNik"
    status_asn: str = "simpegStatusAsn"
    jabatan_name: str = "title"
    jenis_jabatan: str = "simpegJenisJabatanId"
    eselon: str = "simpegEselonId"
    jenjang: str = "simpegJenjang"
    unit_kerja: str = "simpegUnitKerja"
    nagari: str = "simpegNagari"
    kedudukan_hukum: str = "simpegKedudukanHukum"

    # jenisJabatanId -> struktural / fungsional / pelaksana
    jenis_jabatan_codes: dict = dataclasses.field(
        default_factory=lambda: {
            "1": "struktural",
            "2": "fungsional",
            "4": "pelaksana",
        }
    )
    # first digit of eselonId -> jenis_jabatan of a structural position
    eselon_levels: dict = dataclasses.field(
        default_factory=lambda: {
            "1": "jpt",
            "2": "jpt",
            "3": "administrator",
            "4": "pengawas",
            "5": "pengawas",
        }
    )
    jenjang_codes: dict = dataclasses.field(
        default_factory=lambda: {
            "PE": "ahli_pertama",
            "MU": "ahli_muda",
            "MA": "ahli_madya",
            "UT": "ahli_utama",
            "PM": "pemula",
            "TR": "terampil",
            "MH": "mahir",
            "PY": "penyelia",
        }
    )
    status_asn_codes: dict = dataclasses.field(
        default_factory=lambda: {
            "PNS": "pns",
            "CPNS": "pns",
            "PPPK": "pppk",
        }
    )
    active_kedudukan: tuple = ("01",)

    @classmethod
    def from_dict(cls, values):
        """A mapping from the default with the given entries replaced
        (e.g. parsed from a JSON system parameter). Unknown keys raise
        ``ValueError``."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values or {}) - names
        if unknown:
            raise ValueError("unknown SIMPEG mapping keys: " + ", ".join(sorted(unknown)))
        values = dict(values or {})
        if "active_kedudukan" in values:
            values["active_kedudukan"] = tuple(values["active_kedudukan"])
        return dataclasses.replace(cls(), **values)

    def attributes(self):
        """The attribute names to request from the directory."""
        names = [
            self.login,
            self.name,
            self.fallback_name,
            self.email,
            self.phone,
            self.mobile,
            self.nip,
            self.nik,
            self.status_asn,
            self.jabatan_name,
            self.jenis_jabatan,
            self.eselon,
            self.jenjang,
            self.unit_kerja,
            self.nagari,
            self.kedudukan_hukum,
        ]
        seen = {}
        for name in names:
            if name:
                seen.setdefault(name.lower(), name)
        return list(seen.values())


DEFAULT_MAPPING = SimpegMapping()


@dataclasses.dataclass(frozen=True)
class Problem:
    """Something in an entry that could not be used as it is.

    ``code`` is stable (for translations and counting); ``blocking`` means
    the entry must not create or update an account; ``field`` is the
    profile key left empty because of the problem (a synchronisation keeps
    the value it already has rather than erasing it)."""

    code: str
    message: str  # in English, for logs; people read it translated from the code
    attribute: str = ""
    value: str = ""
    blocking: bool = False
    field: str = ""  # the profile key left empty because of it
    detail: str = ""  # a further code (lib.nip's error) or the other entry's DN

    def __str__(self):
        return self.message

    def as_dict(self):
        """What a log keeps of the problem: its code and parameters, so that
        it can be shown later in the reader's language."""
        return {
            "code": self.code,
            "attribute": self.attribute,
            "value": self.value,
            "detail": self.detail,
        }


# --------------------------------------------------------------------------
# reading values
# --------------------------------------------------------------------------
class _Lowered(dict):
    """Attributes whose names are already lower case."""


def _lower_keys(attrs):
    if isinstance(attrs, _Lowered):
        return attrs
    return _Lowered((str(k).lower(), v) for k, v in (attrs or {}).items())


def lower_keys(attrs):
    """The attributes with lower-case names, done once for an entry that is
    read several times (:func:`map_entry`, :func:`is_active`)."""
    return _lower_keys(attrs)


def _decode(value, attribute, problems):
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    "not_utf8",
                    f"{attribute}: the value is not UTF-8 text",
                    attribute,
                    value.decode("utf-8", "replace"),
                )
            )
            return value.decode("utf-8", "replace")
    return str(value)


def _first(attrs, attribute, problems):
    """First value of ``attribute`` as clean text, or ``None``."""
    if not attribute:
        return None
    values = attrs.get(attribute.lower())
    if values is None:
        return None
    if isinstance(values, (bytes, str)):
        values = [values]
    for value in values:
        text = " ".join(_decode(value, attribute, problems).split())
        if text:
            return text
    return None


# --------------------------------------------------------------------------
# the profile
# --------------------------------------------------------------------------
def map_entry(
    attrs, mapping=DEFAULT_MAPPING, *, known_unit_codes=None, known_nagari_codes=None, today=None
):
    """``(profile, problems)`` of a directory entry.

    ``attrs`` maps attribute names (any case) to lists of ``bytes`` (as
    python-ldap returns them) or ``str``. ``profile`` has every key of
    :data:`PROFILE_FIELDS` (``None`` when unknown). When
    ``known_unit_codes`` / ``known_nagari_codes`` are given, a code outside
    them is reported and left empty."""
    problems = []
    attrs = _lower_keys(attrs)

    def get(attribute):
        return _first(attrs, attribute, problems)

    profile = dict.fromkeys(PROFILE_FIELDS)
    login = get(mapping.login)
    profile["login"] = login
    if not login:
        problems.append(
            Problem(
                "login_missing",
                f"no {mapping.login} (login) in the entry",
                mapping.login,
                blocking=True,
            )
        )
    profile["name"] = get(mapping.name) or get(mapping.fallback_name) or login
    profile["phone"] = get(mapping.phone)
    profile["mobile"] = get(mapping.mobile)
    profile["jabatan_name"] = get(mapping.jabatan_name)

    email = get(mapping.email)
    if email and not _EMAIL.match(email):
        problems.append(
            Problem(
                "email_invalid",
                f"invalid e-mail address {email!r}",
                mapping.email,
                email,
                field="email",
            )
        )
        email = None
    profile["email"] = email

    # -- ASN or village official --------------------------------------
    status = get(mapping.status_asn)
    asn_type = None
    if status:
        asn_type = mapping.status_asn_codes.get(status.upper())
        if asn_type is None:
            problems.append(
                Problem(
                    "status_asn_unknown",
                    f"unknown ASN status {status!r}",
                    mapping.status_asn,
                    status,
                    field="asn_type",
                )
            )
    unit = get(mapping.unit_kerja)
    nagari = get(mapping.nagari)
    nik_value = get(mapping.nik)
    if status:
        origin = "perangkat_daerah"
    elif nagari or nik_value:
        origin = "desa"
    elif unit:
        origin = "perangkat_daerah"
    else:
        origin = None
        problems.append(
            Problem(
                "origin_unknown",
                "neither an ASN status, a unit kerja nor a nagari: cannot tell whether "
                "this person works for a perangkat daerah or a nagari",
                field="konsulti_origin",
            )
        )
    profile["konsulti_origin"] = origin
    profile["asn_type"] = asn_type if origin == "perangkat_daerah" else None

    if origin == "perangkat_daerah":
        _map_nip(profile, get(mapping.nip), asn_type, mapping, problems, today)
    elif origin == "desa":
        if not nik_value and login and re.fullmatch(r"\d{16}", nip_lib.normalize(login)):
            nik_value = login
        if nik_value:
            error = nip_lib.check_nik(nik_value, today=today)
            if error:
                problems.append(
                    Problem(
                        "nik_invalid",
                        f"NIK {nik_value}: {nip_lib.MESSAGES[error]}",
                        mapping.nik,
                        nik_value,
                        field="nik",
                        detail=error,
                    )
                )
            else:
                profile["nik"] = nip_lib.normalize(nik_value)

    # -- jabatan ---------------------------------------------------------
    _map_jabatan(
        profile,
        get(mapping.jenis_jabatan),
        get(mapping.eselon),
        get(mapping.jenjang),
        origin,
        mapping,
        problems,
    )

    # -- unit kerja and nagari codes: looked up, never guessed ----------------
    profile["unit_kerja_code"] = _known_code(
        unit,
        known_unit_codes,
        "unit_kerja_unknown",
        "unit kerja",
        mapping.unit_kerja,
        "unit_kerja_code",
        problems,
    )
    profile["nagari_code"] = _known_code(
        nagari,
        known_nagari_codes,
        "nagari_unknown",
        "nagari",
        mapping.nagari,
        "nagari_code",
        problems,
    )
    if origin == "desa" and not nagari:
        problems.append(
            Problem(
                "nagari_missing",
                "a village official without a nagari",
                mapping.nagari,
                field="nagari_code",
            )
        )
    return profile, problems


def _map_nip(profile, value, asn_type, mapping, problems, today):
    if not value:
        problems.append(Problem("nip_missing", "an ASN without a NIP", mapping.nip, blocking=True))
        return
    kind = nip_lib.NIP_PPPK if asn_type == "pppk" else nip_lib.NIP_PNS
    error = nip_lib.check_nip(value, kind, today=today)
    if error:
        label = "NI PPPK" if kind == nip_lib.NIP_PPPK else "NIP"
        problems.append(
            Problem(
                "nip_invalid",
                f"{label} {value}: {nip_lib.MESSAGES[error]} ({error})",
                mapping.nip,
                value,
                blocking=True,
                detail=error,
            )
        )
        return
    profile["nip"] = nip_lib.normalize(value)


def _map_jabatan(profile, jenis_code, eselon, jenjang, origin, mapping, problems):
    kind = None
    if jenis_code:
        kind = mapping.jenis_jabatan_codes.get(jenis_code)
        if kind is None:
            problems.append(
                Problem(
                    "jenis_jabatan_unknown",
                    f"unknown jenis jabatan code {jenis_code!r}",
                    mapping.jenis_jabatan,
                    jenis_code,
                    field="jenis_jabatan",
                )
            )
    elif eselon:
        kind = "struktural"
    jenis = None
    if kind == "struktural":
        level = mapping.eselon_levels.get((eselon or "")[:1]) if eselon else None
        if level is None:
            problems.append(
                Problem(
                    "eselon_unknown",
                    f"structural position with unknown eselon {eselon!r}",
                    mapping.eselon,
                    eselon or "",
                    field="jenis_jabatan",
                )
            )
        jenis = level
    elif kind in JENIS_JABATAN_VALUES:
        jenis = kind
    elif kind is None and not jenis_code and origin == "perangkat_daerah":
        problems.append(
            Problem(
                "jenis_jabatan_missing",
                "an ASN without jenis jabatan",
                mapping.jenis_jabatan,
                field="jenis_jabatan",
            )
        )
    profile["jenis_jabatan"] = jenis

    grade = None
    if jenis == "fungsional":
        if jenjang:
            grade = mapping.jenjang_codes.get(jenjang.upper())
            if grade is None:
                written = "_".join(jenjang.lower().replace("_", " ").split())
                grade = written if written in JENJANG_VALUES else None
            if grade is None:
                problems.append(
                    Problem(
                        "jenjang_unknown",
                        f"unknown jenjang fungsional {jenjang!r}",
                        mapping.jenjang,
                        jenjang,
                        field="jenjang_fungsional",
                    )
                )
        else:
            problems.append(
                Problem(
                    "jenjang_missing",
                    "a functional position without jenjang",
                    mapping.jenjang,
                    field="jenjang_fungsional",
                )
            )
    profile["jenjang_fungsional"] = grade


def _known_code(code, known, problem_code, label, attribute, field, problems):
    if not code:
        return None
    if known is not None and code not in known:
        problems.append(
            Problem(problem_code, f"unknown {label} code {code!r}", attribute, code, field=field)
        )
        return None
    return code


def is_blocked(problems):
    """True when one of ``problems`` forbids using the entry."""
    return any(p.blocking for p in problems)


def is_konsultan_candidate(profile):
    """Pasal 8 ayat (2): pejabat administrator (eselon III.a/III.b) or
    pejabat fungsional ahli madya (the same rule as res.partner)."""
    return profile.get("jenis_jabatan") == "administrator" or (
        profile.get("jenis_jabatan") == "fungsional"
        and profile.get("jenjang_fungsional") == "ahli_madya"
    )


def is_active(entry, mapping=DEFAULT_MAPPING):
    """True when the entry's kedudukan hukum is active (``01``) or absent
    (village officials have none). ``entry`` is the attribute dict or a
    ``(dn, attrs)`` pair."""
    if isinstance(entry, tuple):
        entry = entry[1]
    value = _first(_lower_keys(entry), mapping.kedudukan_hukum, [])
    return value is None or value in mapping.active_kedudukan
