"""What a synchronisation pass with the SIMPEG directory should change.

Pure decision logic, without Odoo and without LDAP: :func:`plan_sync` reads
directory entries (any iterator of ``(dn, attrs)``, typically
:func:`.simpeg_ldap.iter_entries`) and the accounts already known (login ->
:class:`KnownUser`), and returns a :class:`SyncPlan`; the Odoo side applies
it (or only shows it, for a dry run).

Rules:

* a new login, active in the directory, is **created**; an inactive one is
  skipped;
* a known login whose profile :func:`fingerprint` differs is **updated**,
  with only the fields that changed; a field the directory gave but that
  could not be read (unknown unit kerja code...) is left as it is;
* a known, archived login active again in the directory is **reactivated**
  (``reactivate=False`` turns this off);
* entries with a blocking problem (no login, invalid NIP...) or a login seen
  twice are **errors**: nothing is done for them, and they are not archived
  either (they are in the directory);
* a known active login **absent** from the directory, or present but
  inactive (kedudukan hukum not aktif), is **archived** only after a full
  pass that read the whole directory; an incremental pass only reports the
  inactive ones (``withheld_archives``);
* if more than ``max_archive_share`` (default 5 %) of the known active
  accounts would be archived at once, none is: the plan is marked
  ``needs_confirmation`` unless ``confirm_archive`` is given;
* if reading the directory fails at any point, the plan is **empty**
  (``complete`` is false, ``directory_error`` says why): a failing
  directory changes nothing.
"""

import dataclasses
import hashlib
import json

from .simpeg_mapping import DEFAULT_MAPPING, PROFILE_FIELDS, Problem, is_active, map_entry

DEFAULT_MAX_ARCHIVE_SHARE = 0.05


def fingerprint(profile):
    """A short stable digest of a profile: equal fingerprints, nothing to
    update (store it with the account to skip the field-by-field
    comparison)."""
    data = {key: profile.get(key) for key in PROFILE_FIELDS}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclasses.dataclass
class KnownUser:
    """An account the application already has, as the synchronisation sees it."""

    login: str
    fingerprint: str = None
    profile: dict = None
    active: bool = True

    @classmethod
    def coerce(cls, login, value):
        if isinstance(value, cls):
            return value
        value = dict(value or {})
        return cls(login=value.pop("login", login), **value)


@dataclasses.dataclass
class Create:
    login: str
    dn: str
    profile: dict
    fingerprint: str
    problems: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Update:
    login: str
    dn: str
    changes: dict  # only the fields that changed
    profile: dict  # the whole new profile
    fingerprint: str
    problems: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Archive:
    login: str
    reason: str  # "gone" (not in the directory) or "inactive" (kedudukan hukum)
    dn: str = None


@dataclasses.dataclass
class EntryError:
    dn: str
    login: str
    problems: list

    def __str__(self):
        return f"{self.login or self.dn}: " + "; ".join(map(str, self.problems))


@dataclasses.dataclass
class SyncPlan:
    full: bool
    dry_run: bool = False
    complete: bool = False
    seen: int = 0
    unchanged: int = 0
    skipped_inactive: int = 0
    to_create: list = dataclasses.field(default_factory=list)
    to_update: list = dataclasses.field(default_factory=list)
    to_reactivate: list = dataclasses.field(default_factory=list)
    to_archive: list = dataclasses.field(default_factory=list)
    withheld_archives: list = dataclasses.field(default_factory=list)
    withheld_reason: str = ""
    needs_confirmation: bool = False
    errors: list = dataclasses.field(default_factory=list)  # EntryError, blocking
    warnings: list = dataclasses.field(default_factory=list)  # EntryError, not blocking
    directory_error: str = ""
    directory_exception: BaseException = dataclasses.field(default=None, repr=False)

    @property
    def ok(self):
        return self.complete and not self.directory_error

    @property
    def has_changes(self):
        return bool(self.to_create or self.to_update or self.to_reactivate or self.to_archive)

    def summary(self):
        """Counts, for logs and the dry-run report."""
        return {
            "full": self.full, "dry_run": self.dry_run, "complete": self.complete,
            "seen": self.seen, "create": len(self.to_create), "update": len(self.to_update),
            "unchanged": self.unchanged, "reactivate": len(self.to_reactivate),
            "archive": len(self.to_archive), "archive_withheld": len(self.withheld_archives),
            "needs_confirmation": self.needs_confirmation,
            "skipped_inactive": self.skipped_inactive, "errors": len(self.errors),
            "warnings": len(self.warnings), "directory_error": self.directory_error,
        }


def _changes(old_profile, new_profile, keep):
    if old_profile is None:
        return {k: v for k, v in new_profile.items() if k not in keep}
    return {
        key: new_profile.get(key)
        for key in PROFILE_FIELDS
        if key not in keep and new_profile.get(key) != old_profile.get(key)
    }


def plan_sync(entries, known, *, full=True, mapping=DEFAULT_MAPPING,
              max_archive_share=DEFAULT_MAX_ARCHIVE_SHARE, confirm_archive=False,
              reactivate=True, known_unit_codes=None, known_nagari_codes=None,
              dry_run=False, today=None):
    """The :class:`SyncPlan` of one pass over ``entries``.

    ``known`` maps each login the application has to a :class:`KnownUser`
    or a dict with the same keys (``fingerprint``, ``profile``, ``active``).
    ``full`` says the entries are the whole directory (not only the ones
    modified since the last pass). Any exception raised while *reading*
    ``entries`` (e.g. :class:`.simpeg_ldap.DirectoryError`) makes the plan
    incomplete and empty; it is kept in ``directory_exception``."""
    known = {login: KnownUser.coerce(login, value) for login, value in (known or {}).items()}
    plan = SyncPlan(full=full, dry_run=dry_run)
    seen_logins = {}
    duplicates = set()
    inactive_known = []
    iterator = iter(entries)
    while True:
        try:
            dn, attrs = next(iterator)
        except StopIteration:
            plan.complete = True
            break
        except Exception as exc:  # noqa: BLE001 - any failure of the source
            plan.directory_error = str(exc) or type(exc).__name__
            plan.directory_exception = exc
            break
        plan.seen += 1
        profile, problems = map_entry(attrs, mapping, known_unit_codes=known_unit_codes,
                                      known_nagari_codes=known_nagari_codes, today=today)
        login = profile["login"]
        if login and login in seen_logins:
            duplicates.add(login)
            plan.errors.append(EntryError(dn, login, [Problem(
                "login_duplicate",
                f"login {login} is used by two entries: {seen_logins[login]} and {dn}",
                blocking=True)]))
            continue
        if login:
            seen_logins[login] = dn
        if any(p.blocking for p in problems):
            plan.errors.append(EntryError(dn, login, problems))
            continue
        if problems:
            plan.warnings.append(EntryError(dn, login, problems))
        user = known.get(login)
        active = is_active(attrs, mapping)
        if user is None:
            if active:
                plan.to_create.append(Create(login, dn, profile, fingerprint(profile), problems))
            else:
                plan.skipped_inactive += 1
            continue
        if not active:
            if user.active:
                inactive_known.append(Archive(login, "inactive", dn))
            continue
        if not user.active and reactivate:
            plan.to_reactivate.append(login)
        new_fp = fingerprint(profile)
        if user.fingerprint is not None and user.fingerprint == new_fp:
            plan.unchanged += 1
            continue
        keep = {p.field for p in problems if p.field}
        changes = _changes(user.profile, profile, keep)
        if changes:
            plan.to_update.append(Update(login, dn, changes, profile, new_fp, problems))
        else:
            plan.unchanged += 1

    if duplicates:
        plan.to_create = [c for c in plan.to_create if c.login not in duplicates]
        plan.to_update = [u for u in plan.to_update if u.login not in duplicates]
        plan.to_reactivate = [r for r in plan.to_reactivate if r not in duplicates]
        inactive_known = [a for a in inactive_known if a.login not in duplicates]

    if not plan.complete:
        # a failing directory changes nothing
        plan.to_create, plan.to_update, plan.to_reactivate = [], [], []
        plan.withheld_archives = []
        plan.withheld_reason = "the directory could not be read completely"
        return plan

    candidates = list(inactive_known)
    if full:
        candidates += [
            Archive(login, "gone")
            for login, user in known.items()
            if user.active and login not in seen_logins
        ]
    if not full:
        plan.withheld_archives = candidates
        plan.withheld_reason = "archiving needs a complete full pass"
        return plan
    active_known = sum(1 for user in known.values() if user.active)
    if len(candidates) > max_archive_share * active_known and not confirm_archive:
        plan.needs_confirmation = True
        plan.withheld_archives = candidates
        plan.withheld_reason = (
            f"{len(candidates)} of {active_known} active accounts would be archived, "
            f"more than {max_archive_share:.0%}: confirm to archive them")
        return plan
    plan.to_archive = candidates
    return plan


def chunked(items, size):
    """Consecutive lists of at most ``size`` items (for batch creates)."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
