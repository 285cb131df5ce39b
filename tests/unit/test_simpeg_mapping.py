"""SIMPEG entry -> profile (ekonsultasi_lib.simpeg_mapping), entries read from
a real slapd (and a few hand-made attribute dicts for the edge cases)."""

import datetime

import pytest
import simpeg_data

ldap = pytest.importorskip("ldap", reason="python-ldap is not installed")

from ekonsultasi_lib import simpeg_ldap
from ekonsultasi_lib.simpeg_mapping import (
    DEFAULT_MAPPING,
    PROFILE_FIELDS,
    SimpegMapping,
    is_active,
    is_blocked,
    is_konsultan_candidate,
    map_entry,
)

TODAY = datetime.date(2025, 6, 30)
UNIT_CODES = set(simpeg_data.UNIT_KERJA)  # the codes the generator uses
NAGARI_CODES = set(simpeg_data.NAGARI)


@pytest.fixture(scope="module")
def entries(simpeg_directory):
    """login -> attrs, read from the directory with the mapping's attributes."""
    config = simpeg_directory.config
    conn = simpeg_ldap.connect(config)
    try:
        read = {
            attrs["uid"][0].decode(): (dn, attrs)
            for dn, attrs in simpeg_ldap.iter_entries(
                conn, config.base, config.filter, DEFAULT_MAPPING.attributes(), 25
            )
        }
    finally:
        conn.unbind_s()
    return read


@pytest.fixture(scope="module")
def mapped(entries, people_by_key):
    def get(key):
        _dn, attrs = entries[people_by_key[key].login]
        return map_entry(
            attrs, known_unit_codes=UNIT_CODES, known_nagari_codes=NAGARI_CODES, today=TODAY
        )

    return get


def test_administrator_every_field(mapped):
    profile, problems = mapped("administrator")
    assert problems == []
    assert profile == {
        "login": "197805122003121002",
        "name": "Drs. H. Syafrizal Chaniago, M.Si.",
        "email": "syafrizal.chaniago@sijunjung.go.id",
        "phone": "+62 754 20001",
        "mobile": "+62 812 6600 1001",
        "nip": "197805122003121002",
        "nik": None,
        "asn_type": "pns",
        "konsulti_origin": "perangkat_daerah",
        "jabatan_name": "Inspektur Pembantu Wilayah I",
        "jenis_jabatan": "administrator",
        "jenjang_fungsional": None,
        "unit_kerja_code": "6.01",
        "nagari_code": None,
    }
    assert set(profile) == set(PROFILE_FIELDS)
    assert is_konsultan_candidate(profile)


@pytest.mark.parametrize(
    ("key", "jenis", "jenjang", "candidate"),
    [
        ("administrator", "administrator", None, True),  # eselon 31
        ("special_dn", "administrator", None, True),  # eselon 32
        ("ahli_madya", "fungsional", "ahli_madya", True),
        ("ahli_muda", "fungsional", "ahli_muda", False),
        ("pppk", "fungsional", "ahli_pertama", False),
        ("pelaksana", "pelaksana", None, False),
        ("jpt", "jpt", None, False),  # eselon II.b: not in Pasal 8(2)
        ("pengawas", "pengawas", None, False),  # eselon IV.a
        ("sekretaris_nagari", None, None, False),
    ],
)
def test_jabatan_and_konsultan_candidate(mapped, key, jenis, jenjang, candidate):
    profile, problems = mapped(key)
    assert [p.code for p in problems] == []
    assert (profile["jenis_jabatan"], profile["jenjang_fungsional"]) == (jenis, jenjang)
    assert is_konsultan_candidate(profile) is candidate


def test_titles_and_non_ascii_names_are_kept(mapped):
    assert mapped("ahli_madya")[0]["name"] == "Hj. Yulia Rahmawati, S.E., Ak., M.M."
    assert mapped("non_ascii")[0]["name"] == "dr. Désy Ñurul Piliang, M.Kes."
    assert mapped("special_dn")[0]["name"] == (
        'Dra. Hj. Nurhayati "Ani", Sikumbang + Rekan, M.A.P.'
    )


def test_missing_email(mapped):
    profile, problems = mapped("no_mail")
    assert profile["email"] is None and problems == []


def test_pppk_number_checked_with_pppk_rules(mapped):
    profile, problems = mapped("pppk")
    assert problems == []
    # digits 13-14 are "21", not a month: valid only as an NI PPPK
    assert (profile["asn_type"], profile["nip"]) == ("pppk", "199104072023212003")


def test_sekretaris_nagari_with_nik(mapped):
    profile, problems = mapped("sekretaris_nagari")
    assert problems == []
    assert profile["konsulti_origin"] == "desa"
    assert (profile["nik"], profile["nip"], profile["asn_type"]) == ("1303012505850001", None, None)
    assert profile["nagari_code"] == "13.03.04.2001"
    assert profile["unit_kerja_code"] is None
    assert profile["jabatan_name"] == "Sekretaris Nagari"


def test_perangkat_nagari_with_a_directory_identifier(mapped):
    profile, problems = mapped("perangkat_nagari")
    assert problems == []
    assert profile["login"] == "nagari.timbulun.kaur-keuangan"
    assert (profile["konsulti_origin"], profile["nik"], profile["nip"]) == ("desa", None, None)
    assert profile["nagari_code"] == "13.03.03.2001"


def test_invalid_nip_is_a_blocking_problem_not_a_guess(mapped):
    profile, problems = mapped("invalid_nip")
    assert profile["nip"] is None
    assert [(p.code, p.blocking) for p in problems] == [("nip_invalid", True)]
    assert "196802301993031009" in problems[0].message
    assert "nip_birth_date" in problems[0].message  # 30 February
    assert is_blocked(problems)


def test_unknown_unit_kerja_is_reported(mapped):
    profile, problems = mapped("unknown_unit")
    assert profile["unit_kerja_code"] is None
    assert [(p.code, p.value, p.field, p.blocking) for p in problems] == [
        ("unit_kerja_unknown", "9.99", "unit_kerja_code", False)
    ]
    assert not is_blocked(problems)


def test_without_code_lists_codes_are_passed_through(entries, people_by_key):
    _dn, attrs = entries[people_by_key["unknown_unit"].login]
    profile, problems = map_entry(attrs, today=TODAY)
    assert profile["unit_kerja_code"] == "9.99" and problems == []


def test_is_active(entries, people_by_key):
    assert is_active(entries[people_by_key["administrator"].login])
    assert not is_active(entries[people_by_key["inactive"].login])  # kedudukan hukum 99
    assert is_active(entries[people_by_key["sekretaris_nagari"].login])  # none: village official


def test_every_generated_entry_maps(entries, simpeg_directory):
    """All 60 entries of the directory: only the planted problems appear."""
    for person in simpeg_directory.people:
        _dn, attrs = entries[person.login]
        profile, problems = map_entry(
            attrs, known_unit_codes=UNIT_CODES, known_nagari_codes=NAGARI_CODES, today=TODAY
        )
        codes = {p.code for p in problems}
        expected = set()
        if "invalid_nip" in person.flags:
            expected.add("nip_invalid")
        if "unknown_unit" in person.flags:
            expected.add("unit_kerja_unknown")
        assert codes == expected, (person.key, problems)
        assert profile["login"] == person.login
        assert is_active(attrs) == person.active
        origin = "desa" if person.kind == "nagari" else "perangkat_daerah"
        assert profile["konsulti_origin"] == origin


# --------------------------------------------------------------------------
# hand-made entries: attribute case, str values, other codes, custom mapping
# --------------------------------------------------------------------------
def _attrs(**values):
    base = {
        "uid": "198001152005011003",
        "cn": "Yulia",
        "simpegStatusAsn": "PNS",
        "simpegUnitKerja": "6.01",
        "simpegJenisJabatanId": "2",
        "simpegJenjang": "MA",
        "simpegKedudukanHukum": "01",
    }
    base.update(values)
    return {k: [v.encode() if isinstance(v, str) else v] for k, v in base.items() if v is not None}


def test_attribute_names_are_case_insensitive():
    attrs = {k.upper(): v for k, v in _attrs().items()}
    profile, problems = map_entry(attrs, today=TODAY)
    assert problems == [] and profile["jenjang_fungsional"] == "ahli_madya"


@pytest.mark.parametrize(
    ("jenjang", "grade"),
    [
        ("MA", "ahli_madya"),
        ("ma", "ahli_madya"),
        ("Ahli Madya", "ahli_madya"),
        ("UT", "ahli_utama"),
        ("PY", "penyelia"),
        ("terampil", "terampil"),
    ],
)
def test_jenjang_codes_and_written_grades(jenjang, grade):
    profile, _problems = map_entry(_attrs(simpegJenjang=jenjang), today=TODAY)
    assert profile["jenjang_fungsional"] == grade


def test_unknown_codes_are_reported():
    profile, problems = map_entry(_attrs(simpegJenjang="XX"), today=TODAY)
    assert profile["jenjang_fungsional"] is None
    assert [p.code for p in problems] == ["jenjang_unknown"]
    profile, problems = map_entry(_attrs(simpegJenisJabatanId="9"), today=TODAY)
    assert profile["jenis_jabatan"] is None
    assert [p.code for p in problems] == ["jenis_jabatan_unknown"]
    profile, problems = map_entry(
        _attrs(simpegJenisJabatanId="1", simpegEselonId="77", simpegJenjang=None), today=TODAY
    )
    assert [p.code for p in problems] == ["eselon_unknown"]


def test_invalid_email_and_nik_are_dropped_and_reported():
    profile, problems = map_entry(_attrs(mail="yulia at pemda"), today=TODAY)
    assert profile["email"] is None and [p.code for p in problems] == ["email_invalid"]
    attrs = {
        "uid": [b"nagari.x"],
        "cn": [b"Rina"],
        "simpegNagari": [b"13.03.03.2001"],
        "simpegNik": [b"1303019913850001"],
    }
    profile, problems = map_entry(attrs, today=TODAY)
    assert profile["nik"] is None and [p.code for p in problems] == ["nik_invalid"]


def test_non_utf8_value_is_reported():
    profile, problems = map_entry(_attrs(cn=b"Yul\xe9a", displayName=None), today=TODAY)
    assert profile["name"] == "Yul\ufffda"
    assert [p.code for p in problems] == ["not_utf8"]


def test_missing_login_blocks():
    attrs = _attrs()
    del attrs["uid"]
    _profile, problems = map_entry(attrs, today=TODAY)
    assert is_blocked(problems)
    assert {p.code for p in problems} == {"login_missing", "nip_missing"}


def test_custom_mapping():
    mapping = SimpegMapping.from_dict(
        {
            "login": "employeeNumber",
            "nip": "employeeNumber",
            "unit_kerja": "departmentNumber",
            "jenjang_codes": {"4": "ahli_madya"},
            "active_kedudukan": ["AKTIF"],
            "kedudukan_hukum": "employeeType",
        }
    )
    attrs = {
        "employeeNumber": [b"198001152005011003"],
        "cn": [b"Yulia"],
        "simpegStatusAsn": [b"PNS"],
        "departmentNumber": [b"6.01"],
        "simpegJenisJabatanId": [b"2"],
        "simpegJenjang": [b"4"],
        "employeeType": [b"AKTIF"],
    }
    profile, problems = map_entry(attrs, mapping, today=TODAY)
    assert problems == []
    assert (profile["login"], profile["unit_kerja_code"], profile["jenjang_fungsional"]) == (
        "198001152005011003",
        "6.01",
        "ahli_madya",
    )
    assert is_active(attrs, mapping)
    assert "employeeNumber" in mapping.attributes()
    with pytest.raises(ValueError, match="unknown SIMPEG mapping keys"):
        SimpegMapping.from_dict({"nip_attribute": "x"})
