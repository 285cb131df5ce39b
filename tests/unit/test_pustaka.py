"""Pustaka Jawaban's plain logic (ekonsultasi_addon/lib/pustaka.py), without
Odoo: the Indonesian search stems and the marks of personal data."""

import pytest
from ekonsultasi_lib import pustaka


@pytest.mark.parametrize(
    "forms",
    [
        ("pengadaan", "mengadakan", "diadakan"),
        ("kelola", "mengelola", "pengelolaan", "dikelola"),
        ("laporan", "pelaporan", "melaporkan", "dilaporkan"),
        ("tetap", "menetapkan", "penetapan", "ditetapkan"),
        ("susun", "menyusun", "penyusunan", "disusun"),
        ("bayar", "pembayaran", "dibayarkan", "membayar"),
        ("anggaran", "penganggaran", "dianggarkan"),
        ("periksa", "pemeriksaan", "diperiksa", "memeriksa"),
        ("aturan", "peraturan", "diatur", "mengatur"),
        ("pegawai", "kepegawaian"),
        ("pakai", "memakai", "pemakaian"),
        ("pertanggungjawaban", "mempertanggungjawabkan"),
    ],
)
def test_word_forms_share_a_stem(forms):
    """Every form of a word has a search stem in common with its root."""
    root = set(pustaka.stem_variants(forms[0]))
    for form in forms[1:]:
        assert root & set(pustaka.stem_variants(form)), (form, pustaka.stem_variants(form))


@pytest.mark.parametrize(
    ("one", "other"),
    [("dana", "desa"), ("aset", "pajak"), ("laporan", "anggaran"), ("kegiatan", "keuangan")],
)
def test_different_words_keep_apart(one, other):
    assert not set(pustaka.stem_variants(one)) & set(pustaka.stem_variants(other))


def test_stop_words_and_short_words_left_out():
    terms = pustaka.query_terms("Bagaimana cara pengadaan barang yang dibayarkan di desa?")
    assert "bagaimana" not in terms and "yang" not in terms and "di" not in terms
    assert {"ada", "bayar", "desa", "barang"} <= set(terms)


def test_query_keeps_the_longest_words_of_a_long_text():
    text = " ".join(f"kata{chr(97 + i)}{'x' * i}" for i in range(26))
    terms = pustaka.query_terms(text, limit=5)
    assert len(terms) == 5
    assert all(len(t) >= 25 for t in terms)


def test_tsquery_holds_letters_only():
    """Nothing a user types reaches the tsquery syntax."""
    assert pustaka.tsquery(["dana", "de|sa", "x&y", "!", "aset"]) == "dana | aset"
    assert pustaka.query_terms("dana ' | & ! :* ( ) desa") == ["dana", "desa"]


TEXT = (
    "Saya Siti Rahmah dari BKAD, NIP 19900220 201503 2 001, bersama wali nagari "
    "Kamang (NIK 1303012505850001) menerima dana Rp 150.000.000,- pada "
    "12 Maret 2025; sisa 5 juta rupiah dikembalikan 01/04/2025."
)


def test_personal_data_is_marked():
    marks = pustaka.find_personal_data(
        TEXT, names=["Siti Rahmah, S.Pd."], units=["BKAD"], places=["Kamang", "Sijunjung"]
    )
    found = {(m.kind, m.text) for m in marks}
    assert found == {
        ("name", "Siti Rahmah"),
        ("unit", "BKAD"),
        ("nip", "19900220 201503 2 001"),
        ("place", "Kamang"),
        ("nik", "1303012505850001"),
        ("amount", "Rp 150.000.000,-"),
        ("date", "12 Maret 2025"),
        ("amount", "5 juta rupiah"),
        ("date", "01/04/2025"),
    }
    for mark in marks:
        assert TEXT[mark.start : mark.end] == mark.text


def test_full_name_wins_over_its_parts():
    marks = pustaka.find_personal_data("Surat dari Budi Santoso.", names=["Budi Santoso"])
    assert [(m.kind, m.text) for m in marks] == [("name", "Budi Santoso")]


def test_titles_are_no_names():
    assert pustaka.name_parts("Drs. Afrizal, M.Si.") == ["Drs. Afrizal, M.Si.", "Afrizal"]
    assert pustaka.name_parts("Siti Rahmah, S.Pd.") == [
        "Siti Rahmah, S.Pd.",
        "Siti Rahmah",
        "Siti",
        "Rahmah",
    ]


def test_nothing_marked_in_a_general_text():
    text = "Tindak lanjut temuan BPK diselesaikan paling lambat 60 hari setelah LHP diterima."
    assert pustaka.find_personal_data(text, names=["Siti Rahmah"], places=["Kamang"]) == []


def test_a_number_longer_than_a_nik_is_no_nik():
    assert pustaka.find_personal_data("rekening 12345678901234567890") == []


def test_replace_all_whole_words_any_case():
    assert (
        pustaka.replace_all("Kamang dan nagari KAMANG, Kamangan", "Kamang", "[nagari]")
        == "[nagari] dan nagari [nagari], Kamangan"
    )


def test_common_stems_leave_the_query_unless_nothing_is_left():
    assert pustaka.informative(["ada", "barang", "desa"], {"desa", "dana"}) == ["ada", "barang"]
    assert pustaka.informative(["desa"], {"desa"}) == ["desa"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("berlaku", "laku"),
        ("laku", "laku"),
        ("belum", "belum"),
        ("besar", "besar"),
        ("ilmu", "ilmu"),
    ],
)
def test_roots_that_look_affixed_keep_their_ends(word, stem):
    """-ku/-mu are not taken off, be- only before r and k."""
    assert pustaka.stem(word) == stem
