"""Backups without Odoo (ekonsultasi_addon/lib/backup.py): names, the
grandfather-father-son retention, the configuration's secrets, GnuPG."""

import datetime as dt
import os
import shutil
import subprocess

import pytest
from ekonsultasi_lib import backup

D = dt.datetime

needs_gpg = pytest.mark.skipif(not shutil.which("gpg"), reason="gpg (GnuPG) is not installed")


def test_filename_round_trip():
    name = backup.backup_filename("solsel_prod", D(2026, 12, 1, 3, 0, 5))
    assert name == "solsel_prod_2026_12_01_03_00_05.zip.gpg"
    assert backup.parse_backup_filename(name, "solsel_prod") == D(2026, 12, 1, 3, 0, 5)
    # another database whose name is a prefix, checksum files, other files
    assert backup.parse_backup_filename(name, "solsel") is None
    assert backup.parse_backup_filename(name + ".sha256", "solsel_prod") is None
    assert backup.parse_backup_filename("2026_12_01_03_00_05.dump.zip", "solsel_prod") is None


def test_gfs_daily_keeps_newest_of_each_day():
    stamps = [D(2026, 12, 1, h) for h in (1, 13, 23)] + [D(2026, 11, 30, 3)]
    assert backup.gfs_keep(stamps, daily=1, weekly=0, monthly=0) == {D(2026, 12, 1, 23)}
    assert backup.gfs_keep(stamps, daily=2, weekly=0, monthly=0) == {
        D(2026, 12, 1, 23),
        D(2026, 11, 30, 3),
    }


def test_gfs_a_year_of_daily_backups():
    """365 nightly backups, 7/4/12: 7 days, 4 weeks, 12 months, overlapping."""
    stamps = [D(2026, 1, 1, 3) + dt.timedelta(days=i) for i in range(365)]
    keep = backup.gfs_keep(stamps, daily=7, weekly=4, monthly=12)
    last = D(2026, 12, 31, 3)
    assert {last - dt.timedelta(days=i) for i in range(7)} <= keep
    # the Sundays ending the 3 ISO weeks before the last one (2026-12-31 is
    # a Thursday of week 53; the Sunday 27th is one of the 7 days already)
    assert {D(2026, 12, 27, 3), D(2026, 12, 20, 3), D(2026, 12, 13, 3)} <= keep
    # the last day of each month
    assert {D(2026, 1, 31, 3), D(2026, 2, 28, 3), D(2026, 11, 30, 3)} <= keep
    assert len(keep) == 7 + 2 + 11


def test_gfs_zero_counts_keep_everything():
    stamps = {D(2020, 1, 1), D(2026, 1, 1)}
    assert backup.gfs_keep(stamps, 0, 0, 0) == stamps


def test_gfs_delete_touches_only_this_database():
    names = [
        backup.backup_filename("db", D(2026, 12, 1)),
        backup.backup_filename("db", D(2026, 11, 1)),
        backup.backup_filename("db2", D(2020, 1, 1)),
        "README.txt",
    ]
    assert backup.gfs_delete(names, "db", daily=1, weekly=0, monthly=0) == [names[1]]


def test_redact_config():
    text = (
        "[options]\n"
        "; a comment\n"
        "admin_passwd = $pbkdf2-sha512$600000$abc\n"
        "db_password = s3cret\n"
        "db_user = odoo\n"
        "smtp_password = mailpass\n"
        "smtp_user = False\n"
        "ekonsultasi_backup_key_file = /etc/odoo/backup.key\n"
        "data_dir = /var/lib/odoo\n"
    )
    out = backup.redact_config(text)
    for secret in ("abc", "s3cret", "mailpass"):
        assert secret not in out
    assert out.count("= REDACTED") == 3
    assert "db_user = odoo" in out
    assert "ekonsultasi_backup_key_file = /etc/odoo/backup.key" in out
    assert "data_dir = /var/lib/odoo" in out


def key_file(tmp_path, name="backup.key", mode=0o600):
    path = tmp_path / name
    path.write_text(backup.new_key())
    os.chmod(path, mode)
    return str(path)


@needs_gpg
def test_encrypt_decrypt_round_trip(tmp_path):
    source = tmp_path / "backup.zip"
    payload = os.urandom(300_000)
    source.write_bytes(payload)
    key = key_file(tmp_path)
    backup.encrypt_file(str(source), str(tmp_path / "b.gpg"), key)
    encrypted = (tmp_path / "b.gpg").read_bytes()
    assert payload[:64] not in encrypted
    backup.decrypt_file(str(tmp_path / "b.gpg"), str(tmp_path / "out.zip"), key)
    assert (tmp_path / "out.zip").read_bytes() == payload


@needs_gpg
def test_decrypt_refuses_wrong_key_and_damage(tmp_path):
    source = tmp_path / "backup.zip"
    source.write_bytes(os.urandom(100_000))
    key = key_file(tmp_path)
    backup.encrypt_file(str(source), str(tmp_path / "b.gpg"), key)
    with pytest.raises(subprocess.CalledProcessError):
        backup.decrypt_file(str(tmp_path / "b.gpg"), str(tmp_path / "o1"), key_file(tmp_path, "k2"))
    damaged = bytearray((tmp_path / "b.gpg").read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "d.gpg").write_bytes(bytes(damaged))
    with pytest.raises(subprocess.CalledProcessError):
        backup.decrypt_file(str(tmp_path / "d.gpg"), str(tmp_path / "o2"), key)


def test_key_file_checks(tmp_path):
    with pytest.raises(backup.BackupKeyError, match="no backup key file configured"):
        backup.check_key_file("")
    with pytest.raises(backup.BackupKeyError, match="No such file"):
        backup.check_key_file(str(tmp_path / "absent"))
    short = tmp_path / "short"
    short.write_text("tooshort")
    os.chmod(short, 0o600)
    with pytest.raises(backup.BackupKeyError, match="fewer than 32"):
        backup.check_key_file(str(short))
    with pytest.raises(backup.BackupKeyError, match="readable by group or others"):
        backup.check_key_file(key_file(tmp_path, "open", 0o644))
    good = key_file(tmp_path)
    assert backup.check_key_file(good) == good
