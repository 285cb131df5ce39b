"""Backups of the e-konsultasi service, without Odoo: file names, the
retention rule (grandfather-father-son), the configuration with its secrets
redacted, and the encryption with GnuPG.

Encryption: ``gpg --symmetric`` (AES-256, with GnuPG's integrity check) with
a passphrase read from a key file that is kept apart from the backups. GnuPG
is a well-kept tool present on every Debian server: a backup can be decrypted
by hand on a new machine (``gpg --decrypt``) without this code.
"""

import configparser
import datetime as dt
import hashlib
import io
import os
import re
import secrets
import shutil
import subprocess
import tempfile

SUFFIX = ".zip.gpg"
CHECKSUM_SUFFIX = ".sha256"
STAMP = "%Y_%m_%d_%H_%M_%S"
_NAME_RE = re.compile(r"^(?P<db>.+)_(?P<stamp>\d{4}(?:_\d\d){5})" + re.escape(SUFFIX) + "$")

# keys of odoo.conf whose value is a secret (admin_passwd, db_password,
# smtp_password, ...): replaced by REDACTED in the copy kept with a backup
SECRET_KEY_RE = re.compile(r"passw|secret|token|api_?key|private", re.IGNORECASE)
REDACTED = "REDACTED"


# ------------------------------------------------------------- file names --
def backup_filename(dbname, when):
    """``<db>_YYYY_MM_DD_HH_MM_SS.zip.gpg`` for the (UTC) datetime ``when``."""
    return f"{dbname}_{when:{STAMP}}{SUFFIX}"


def parse_backup_filename(name, dbname):
    """The datetime of a backup file name of ``dbname``, or None for any
    other file (never touched by the retention)."""
    match = _NAME_RE.match(name)
    if not match or match["db"] != dbname:
        return None
    return dt.datetime.strptime(match["stamp"], STAMP)


# -------------------------------------------------------------- retention --
def gfs_keep(stamps, daily=7, weekly=4, monthly=12):
    """The backups to keep among ``stamps`` (datetimes): for each of the
    last ``daily`` days, ``weekly`` ISO weeks and ``monthly`` months that
    have a backup, the newest backup of that period (restic's
    ``--keep-daily/--keep-weekly/--keep-monthly``). Every count at 0 keeps
    everything: retention is off."""
    stamps = sorted(set(stamps), reverse=True)
    if not (daily or weekly or monthly):
        return set(stamps)
    keep = set()
    for count, period in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen = []
        for stamp in stamps:
            if len(seen) >= count:
                break
            key = period(stamp)
            if key not in seen:
                seen.append(key)
                keep.add(stamp)
    return keep


def gfs_delete(names, dbname, daily=7, weekly=4, monthly=12):
    """The file names among ``names`` that the retention deletes: backups of
    ``dbname`` not kept by :func:`gfs_keep`."""
    dated = {name: parse_backup_filename(name, dbname) for name in names}
    dated = {name: when for name, when in dated.items() if when}
    keep = gfs_keep(dated.values(), daily, weekly, monthly)
    return sorted(name for name, when in dated.items() if when not in keep)


# ---------------------------------------------------------- configuration --
def redact_config(text):
    """``text`` of an odoo.conf with the value of every secret key replaced
    by REDACTED (comments and other values kept)."""
    parser = configparser.RawConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    for section in parser.sections():
        for key, value in parser.items(section):
            if SECRET_KEY_RE.search(key) and value not in ("", "False", "None"):
                parser.set(section, key, REDACTED)
    out = io.StringIO()
    parser.write(out)
    return "; copy kept with a backup: the values of secret keys are REDACTED\n" + out.getvalue()


# -------------------------------------------------------------- checksums --
def sha256_file(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(chunk):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------- encryption --
class BackupKeyError(Exception):
    """The key file is missing, unreadable, too short or readable by others,
    or gpg is missing; ``code`` says which (the addon words it in the
    user's language), ``path`` and ``detail`` complete it."""

    def __init__(self, code, message, path="", detail=""):
        super().__init__(message)
        self.code = code
        self.path = path
        self.detail = detail


def check_key_file(path):
    """The key file at ``path`` exists, holds at least 32 characters and is
    not readable by group or others; returns the path."""
    if not path:
        raise BackupKeyError(
            "no_key", "no backup key file configured (ekonsultasi_backup_key_file)"
        )
    try:
        mode = os.stat(path).st_mode
        with open(path, "rb") as file:
            key = file.read().strip()
    except OSError as exc:
        raise BackupKeyError(
            "unreadable", f"backup key file {path}: {exc.strerror}", path, exc.strerror
        ) from exc
    if len(key) < 32:
        raise BackupKeyError(
            "short", f"backup key file {path} holds fewer than 32 characters", path
        )
    if mode & 0o077:
        raise BackupKeyError(
            "open", f"backup key file {path} is readable by group or others (chmod 600)", path
        )
    return path


def _gpg(args, key_file):
    gpg = shutil.which("gpg")
    if not gpg:
        raise BackupKeyError("no_gpg", "gpg (GnuPG) is not installed")
    # an empty home of its own: no keyring, no agent of the user is used
    with tempfile.TemporaryDirectory(prefix="ekonsultasi-gpg-") as home:
        subprocess.run(
            [
                gpg,
                "--batch",
                "--yes",
                "--quiet",
                "--homedir",
                home,
                "--pinentry-mode",
                "loopback",
                "--passphrase-file",
                key_file,
                *args,
            ],
            check=True,
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )


def encrypt_file(source, target, key_file):
    """Encrypt ``source`` into ``target`` with the passphrase of
    ``key_file`` (AES-256; the content is a zip: not compressed again)."""
    _gpg(
        [
            "--symmetric",
            "--cipher-algo",
            "AES256",
            "--s2k-digest-algo",
            "SHA512",
            "--compress-algo",
            "none",
            "--output",
            target,
            source,
        ],
        check_key_file(key_file),
    )


def decrypt_file(source, target, key_file):
    """Decrypt ``source`` into ``target``; fails (CalledProcessError) on a
    wrong key or a damaged file (GnuPG's integrity check)."""
    _gpg(["--decrypt", "--output", target, source], check_key_file(key_file))


def new_key():
    """A new random key (a passphrase of 43 characters, 256 bits)."""
    return secrets.token_urlsafe(32)
