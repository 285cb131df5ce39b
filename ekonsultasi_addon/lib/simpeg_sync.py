"""What a synchronisation pass with the SIMPEG directory should change.

Pure decision logic, without Odoo and without LDAP, built to keep memory flat
whatever the size of the directory: :func:`sync_pass` reads the directory
entries (any iterator of ``(dn, attrs)``, typically
:func:`.simpeg_ldap.iter_entries`) one page at a time; for each page it asks
a :class:`SyncStore` for the known state of *that page's* logins only, plans
the page with :func:`plan_page` and hands the page's actions to the store,
which applies them at once (or only shows them, for a dry run). The logins
seen are remembered by the store (a temporary table on the Odoo side), which
finds at the end the accounts absent from the directory; :func:`decide_archives`
says whether they may be archived. :func:`plan_sync` runs the same pass with
the in-memory :class:`MemoryStore` and returns the whole :class:`SyncPlan`
(tests, small directories: its memory grows with the directory).

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
  either (they are in the directory). When the first entry of a login seen
  twice was in an earlier page and the store cannot take back what that page
  changed, the pass asks to be **restarted** (``PassResult.restart``) with
  those logins as ``duplicates``;
* a known active login **absent** from the directory, or present but
  inactive (kedudukan hukum not aktif), is **archived** only after a full
  pass that read the whole directory; an incremental pass only reports the
  inactive ones (withheld);
* if more than ``max_archive_share`` (default 5 %) of the known active
  accounts would be archived at once, none is: the pass is marked
  ``needs_confirmation`` unless ``confirm_archive`` is given;
* if reading the directory fails at any point, the pass is incomplete
  (``complete`` is false, ``directory_error`` says why) and archives
  nothing; the pages already applied must be undone by the caller (the Odoo
  side runs the pass in a savepoint): a failing directory changes nothing.
"""

import dataclasses
import hashlib
import json

from .simpeg_mapping import (
    DEFAULT_MAPPING,
    PROFILE_FIELDS,
    Problem,
    is_active,
    lower_keys,
    map_entry,
)

DEFAULT_MAX_ARCHIVE_SHARE = 0.05
DEFAULT_PAGE_SIZE = 500


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
            "full": self.full,
            "dry_run": self.dry_run,
            "complete": self.complete,
            "seen": self.seen,
            "create": len(self.to_create),
            "update": len(self.to_update),
            "unchanged": self.unchanged,
            "reactivate": len(self.to_reactivate),
            "archive": len(self.to_archive),
            "archive_withheld": len(self.withheld_archives),
            "needs_confirmation": self.needs_confirmation,
            "skipped_inactive": self.skipped_inactive,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "directory_error": self.directory_error,
        }


def _changes(old_profile, new_profile, keep):
    if old_profile is None:
        return {k: v for k, v in new_profile.items() if k not in keep}
    return {
        key: new_profile.get(key)
        for key in PROFILE_FIELDS
        if key not in keep and new_profile.get(key) != old_profile.get(key)
    }


# --------------------------------------------------------------------------
# one page
# --------------------------------------------------------------------------
@dataclasses.dataclass
class Entry:
    """A directory entry read with the mapping."""

    dn: str
    login: str
    profile: dict
    problems: list
    active: bool


def read_entry(
    dn,
    attrs,
    mapping=DEFAULT_MAPPING,
    *,
    known_unit_codes=None,
    known_nagari_codes=None,
    today=None,
):
    """The :class:`Entry` of a directory entry ``(dn, attrs)``."""
    attrs = lower_keys(attrs)
    profile, problems = map_entry(
        attrs,
        mapping,
        known_unit_codes=known_unit_codes,
        known_nagari_codes=known_nagari_codes,
        today=today,
    )
    return Entry(dn, profile["login"], profile, problems, is_active(attrs, mapping))


@dataclasses.dataclass
class PagePlan:
    """What one page of entries changes."""

    seen: int = 0
    unchanged: int = 0
    skipped_inactive: int = 0
    to_create: list = dataclasses.field(default_factory=list)
    to_update: list = dataclasses.field(default_factory=list)
    to_reactivate: list = dataclasses.field(default_factory=list)
    # known active accounts inactive in the directory: archive candidates
    inactive: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)  # EntryError, blocking
    warnings: list = dataclasses.field(default_factory=list)  # EntryError, not blocking
    # login -> DN of its first entry in the page, for every entry with a
    # login not seen in an earlier page (errors included: not archived)
    logins: dict = dataclasses.field(default_factory=dict)
    # logins whose first entry was in an earlier page (reported as errors)
    duplicates: set = dataclasses.field(default_factory=set)

    @property
    def changed(self):
        """Logins this page creates, updates or reactivates."""
        return (
            {c.login for c in self.to_create}
            | {u.login for u in self.to_update}
            | set(self.to_reactivate)
        )


def plan_page(entries, known, *, earlier=None, duplicates=(), reactivate=True):
    """The :class:`PagePlan` of one page of :class:`Entry`.

    ``known`` maps the logins of the page the application has (no need for
    others) to a :class:`KnownUser` or a dict with the same keys;
    ``earlier`` maps the logins of the page already seen in earlier pages to
    the DN of their first entry; ``duplicates`` are logins known to be used
    by several entries (a restarted pass): their first entry changes
    nothing."""
    known = {login: KnownUser.coerce(login, value) for login, value in (known or {}).items()}
    earlier = earlier or {}
    page = PagePlan()
    twice = set(duplicates)
    for entry in entries:
        page.seen += 1
        login, dn, problems = entry.login, entry.dn, entry.problems
        if login:
            first = page.logins.get(login) or earlier.get(login)
            if first is not None:
                (twice if login in page.logins else page.duplicates).add(login)
                page.errors.append(
                    EntryError(
                        dn,
                        login,
                        [
                            Problem(
                                "login_duplicate",
                                f"login {login} is used by two entries: {first} and {dn}",
                                value=login,
                                blocking=True,
                                detail=first,
                            )
                        ],
                    )
                )
                continue
            page.logins[login] = dn
        if any(p.blocking for p in problems):
            page.errors.append(EntryError(dn, login, problems))
            continue
        if problems:
            page.warnings.append(EntryError(dn, login, problems))
        user = known.get(login)
        if user is None:
            if entry.active:
                page.to_create.append(
                    Create(login, dn, entry.profile, fingerprint(entry.profile), problems)
                )
            else:
                page.skipped_inactive += 1
            continue
        if not entry.active:
            if user.active:
                page.inactive.append(Archive(login, "inactive", dn))
            continue
        if not user.active and reactivate:
            page.to_reactivate.append(login)
        new_fp = fingerprint(entry.profile)
        if user.fingerprint is not None and user.fingerprint == new_fp:
            page.unchanged += 1
            continue
        keep = {p.field for p in problems if p.field}
        changes = _changes(user.profile, entry.profile, keep)
        if changes:
            page.to_update.append(Update(login, dn, changes, entry.profile, new_fp, problems))
        else:
            page.unchanged += 1
    if twice:
        page.to_create = [c for c in page.to_create if c.login not in twice]
        page.to_update = [u for u in page.to_update if u.login not in twice]
        page.to_reactivate = [r for r in page.to_reactivate if r not in twice]
        page.inactive = [a for a in page.inactive if a.login not in twice]
    return page


# --------------------------------------------------------------------------
# archives
# --------------------------------------------------------------------------
@dataclasses.dataclass
class ArchiveDecision:
    archive: bool  # archive the candidates (else they are withheld)
    needs_confirmation: bool = False
    reason: str = ""  # why withheld


def decide_archives(
    candidates,
    active_known,
    *,
    full=True,
    max_archive_share=DEFAULT_MAX_ARCHIVE_SHARE,
    confirm_archive=False,
):
    """May the ``candidates`` accounts to archive (a count) be archived,
    ``active_known`` being the number of active accounts before the pass?"""
    if not full:
        return ArchiveDecision(False, reason="archiving needs a complete full pass")
    if candidates > max_archive_share * active_known and not confirm_archive:
        return ArchiveDecision(
            False,
            True,
            (
                f"{candidates} of {active_known} active accounts would be archived, "
                f"more than {max_archive_share:.0%}: confirm to archive them"
            ),
        )
    return ArchiveDecision(True)


# --------------------------------------------------------------------------
# the pass
# --------------------------------------------------------------------------
class SyncStore:
    """What :func:`sync_pass` needs from the application (interface).

    The store remembers the logins seen by the pass, with, for each, whether
    its page changed it, whether it is an archive candidate (known active
    account inactive in the directory) and whether it turned out to be a
    duplicate."""

    def count_active(self):
        """Number of active known accounts (before the pass)."""
        raise NotImplementedError

    def known(self, logins):
        """login -> :class:`KnownUser` of the known accounts among ``logins``."""
        raise NotImplementedError

    def earlier(self, logins):
        """login -> DN of the first entry, for the ``logins`` already seen."""
        raise NotImplementedError

    def record(self, page):
        """Remember ``page.logins`` as seen (changed: ``page.changed``;
        candidates: ``page.inactive``) and ``page.duplicates`` as duplicates
        (no longer candidates). Return the duplicates whose first entry
        changed something the store cannot take back."""
        raise NotImplementedError

    def apply(self, page):
        """Apply (or preview) the page's actions and report its problems."""
        raise NotImplementedError

    def count_candidates(self, include_gone):
        """Number of archive candidates not duplicated, with (``include_gone``)
        the known active accounts not seen."""
        raise NotImplementedError

    def archive(self, decision, include_gone):
        """Archive the candidates (``decision.archive``) or report them as
        withheld; return their number."""
        raise NotImplementedError


@dataclasses.dataclass
class PassResult:
    full: bool
    dry_run: bool = False
    complete: bool = False
    seen: int = 0
    unchanged: int = 0
    skipped_inactive: int = 0
    created: int = 0  # planned
    updated: int = 0  # planned
    reactivated: int = 0  # planned
    archived: int = 0
    withheld: int = 0
    withheld_reason: str = ""
    needs_confirmation: bool = False
    errors: int = 0
    warnings: int = 0
    restart: set = dataclasses.field(default_factory=set)
    directory_error: str = ""
    directory_exception: BaseException = dataclasses.field(default=None, repr=False)

    @property
    def ok(self):
        """Complete, and nothing to undo."""
        return self.complete and not self.directory_error and not self.restart


def sync_pass(
    entries,
    store,
    *,
    full=True,
    page_size=DEFAULT_PAGE_SIZE,
    mapping=DEFAULT_MAPPING,
    max_archive_share=DEFAULT_MAX_ARCHIVE_SHARE,
    confirm_archive=False,
    reactivate=True,
    known_unit_codes=None,
    known_nagari_codes=None,
    duplicates=(),
    dry_run=False,
    today=None,
):
    """Synchronise ``store`` with ``entries``, ``page_size`` entries at a
    time, and return the :class:`PassResult`.

    ``full`` says the entries are the whole directory (not only the ones
    modified since the last pass). Any exception raised while *reading*
    ``entries`` (e.g. :class:`.simpeg_ldap.DirectoryError`) stops the pass:
    it is incomplete, archives nothing, and the caller must undo the pages
    already applied. When ``restart`` is set, some logins turned out to be
    used twice after their first page was applied: the caller must undo the
    pass and run it again with them added to ``duplicates``."""
    result = PassResult(full=full, dry_run=dry_run)
    active_known = store.count_active()
    duplicates = set(duplicates)
    restart = set()

    def process(batch):
        logins = {entry.login for entry in batch if entry.login}
        # after a restart is known, only the duplicates are looked for
        known = store.known(logins) if not restart else {}
        page = plan_page(
            batch,
            known,
            earlier=store.earlier(logins),
            duplicates=duplicates,
            reactivate=reactivate,
        )
        late = store.record(page)
        if restart:
            restart.update(page.duplicates)
            return
        if late:
            restart.update(late)
            return
        store.apply(page)
        result.unchanged += page.unchanged
        result.skipped_inactive += page.skipped_inactive
        result.created += len(page.to_create)
        result.updated += len(page.to_update)
        result.reactivated += len(page.to_reactivate)
        result.errors += len(page.errors)
        result.warnings += len(page.warnings)

    iterator = iter(entries)
    batch = []
    while True:
        try:
            dn, attrs = next(iterator)
        except StopIteration:
            result.complete = True
        except Exception as exc:  # noqa: BLE001 - any failure of the source
            result.directory_error = str(exc) or type(exc).__name__
            result.directory_exception = exc
            break
        else:
            result.seen += 1
            batch.append(
                read_entry(
                    dn,
                    attrs,
                    mapping,
                    known_unit_codes=known_unit_codes,
                    known_nagari_codes=known_nagari_codes,
                    today=today,
                )
            )
            if len(batch) < page_size:
                continue
        if batch:
            process(batch)
            batch = []
        if result.complete:
            break

    if not result.complete:
        result.withheld_reason = "the directory could not be read completely"
        return result
    if restart:
        result.restart = restart
        return result
    if full:
        decision = decide_archives(
            store.count_candidates(True),
            active_known,
            max_archive_share=max_archive_share,
            confirm_archive=confirm_archive,
        )
    else:
        decision = decide_archives(0, active_known, full=False)
    result.needs_confirmation = decision.needs_confirmation
    count = store.archive(decision, include_gone=full)
    if decision.archive:
        result.archived = count
    else:
        result.withheld = count
        result.withheld_reason = decision.reason
    return result


# --------------------------------------------------------------------------
# in memory
# --------------------------------------------------------------------------
@dataclasses.dataclass
class _Seen:
    dn: str
    changed: bool = False
    candidate: Archive = None
    duplicate: bool = False


class MemoryStore(SyncStore):
    """A :class:`SyncStore` in memory that only collects the actions into a
    :class:`SyncPlan` (so it can take back the actions of a duplicate login:
    it never asks for a restart). Memory grows with the directory."""

    def __init__(self, known, plan):
        self.users = {
            login: KnownUser.coerce(login, value) for login, value in (known or {}).items()
        }
        self.plan = plan
        self.seen = {}

    def count_active(self):
        return sum(1 for user in self.users.values() if user.active)

    def known(self, logins):
        return {login: self.users[login] for login in logins if login in self.users}

    def earlier(self, logins):
        return {login: self.seen[login].dn for login in logins if login in self.seen}

    def record(self, page):
        changed = page.changed
        candidates = {a.login: a for a in page.inactive}
        for login, dn in page.logins.items():
            self.seen[login] = _Seen(dn, login in changed, candidates.get(login))
        late = set()
        for login in page.duplicates:
            seen = self.seen[login]
            seen.candidate, seen.duplicate = None, True
            if seen.changed:
                late.add(login)
        if late:  # only planned: taken back
            plan = self.plan
            plan.to_create = [c for c in plan.to_create if c.login not in late]
            plan.to_update = [u for u in plan.to_update if u.login not in late]
            plan.to_reactivate = [r for r in plan.to_reactivate if r not in late]
        return set()

    def apply(self, page):
        plan = self.plan
        plan.to_create += page.to_create
        plan.to_update += page.to_update
        plan.to_reactivate += page.to_reactivate
        plan.errors += page.errors
        plan.warnings += page.warnings

    def _candidates(self, include_gone):
        candidates = [s.candidate for s in self.seen.values() if s.candidate and not s.duplicate]
        if include_gone:
            candidates += [
                Archive(login, "gone")
                for login, user in self.users.items()
                if user.active and login not in self.seen
            ]
        return candidates

    def count_candidates(self, include_gone):
        return len(self._candidates(include_gone))

    def archive(self, decision, include_gone):
        candidates = self._candidates(include_gone)
        if decision.archive:
            self.plan.to_archive = candidates
        else:
            self.plan.withheld_archives = candidates
        return len(candidates)


def plan_sync(
    entries,
    known,
    *,
    full=True,
    page_size=DEFAULT_PAGE_SIZE,
    mapping=DEFAULT_MAPPING,
    max_archive_share=DEFAULT_MAX_ARCHIVE_SHARE,
    confirm_archive=False,
    reactivate=True,
    known_unit_codes=None,
    known_nagari_codes=None,
    dry_run=False,
    today=None,
):
    """The whole :class:`SyncPlan` of one pass over ``entries``
    (:func:`sync_pass` with a :class:`MemoryStore`).

    ``known`` maps each login the application has to a :class:`KnownUser`
    or a dict with the same keys (``fingerprint``, ``profile``, ``active``).
    Any exception raised while *reading* ``entries`` makes the plan
    incomplete and empty; it is kept in ``directory_exception``."""
    plan = SyncPlan(full=full, dry_run=dry_run)
    result = sync_pass(
        entries,
        MemoryStore(known, plan),
        full=full,
        page_size=page_size,
        mapping=mapping,
        max_archive_share=max_archive_share,
        confirm_archive=confirm_archive,
        reactivate=reactivate,
        known_unit_codes=known_unit_codes,
        known_nagari_codes=known_nagari_codes,
        dry_run=dry_run,
        today=today,
    )
    for name in (
        "complete",
        "seen",
        "unchanged",
        "skipped_inactive",
        "needs_confirmation",
        "withheld_reason",
        "directory_error",
        "directory_exception",
    ):
        setattr(plan, name, getattr(result, name))
    if not result.complete:
        # a failing directory changes nothing
        plan.to_create, plan.to_update, plan.to_reactivate = [], [], []
        plan.to_archive, plan.withheld_archives = [], []
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
