"""Plan of a synchronisation pass (ekonsultasi_lib.simpeg_sync), fed by a real
slapd through simpeg_ldap.iter_entries; ``apply`` stands for the Odoo side.
The pass plans pages of a few entries (``PAGE``), so that what crosses pages
(duplicates, archives of the absent) is exercised."""

import datetime

import pytest
import simpeg_data
import slapd

ldap = pytest.importorskip("ldap", reason="python-ldap is not installed")

from ekonsultasi_lib import simpeg_ldap, simpeg_sync
from ekonsultasi_lib.simpeg_mapping import DEFAULT_MAPPING
from ekonsultasi_lib.simpeg_sync import (
    KnownUser,
    MemoryStore,
    SyncPlan,
    decide_archives,
    fingerprint,
    plan_page,
    plan_sync,
    read_entry,
    sync_pass,
)

UNIT_CODES = set(simpeg_data.UNIT_KERJA)  # the codes the generator uses
PAGE = 9  # entries planned at a time (the LDAP pages have 7)


def entries(directory, modified_since=None, page_size=7):
    """The directory's entries, read page by page on a fresh connection."""
    config = directory.config
    conn = simpeg_ldap.connect(config)
    try:
        yield from simpeg_ldap.iter_entries(
            conn,
            config.base,
            config.filter,
            DEFAULT_MAPPING.attributes(),
            page_size,
            modified_since=modified_since,
        )
    finally:
        conn.unbind_s()


def sync(directory, state, **kwargs):
    kwargs.setdefault("known_unit_codes", UNIT_CODES)
    kwargs.setdefault("page_size", PAGE)
    return plan_sync(entries(directory), state, **kwargs)


def apply(plan, state):
    """What the Odoo side does with a plan (creates, writes, archives)."""
    for create in plan.to_create:
        state[create.login] = KnownUser(create.login, create.fingerprint, create.profile, True)
    for update in plan.to_update:
        user = state[update.login]
        user.profile = {**user.profile, **update.changes}
        user.fingerprint = update.fingerprint
    for login in plan.to_reactivate:
        state[login].active = True
    for archive in plan.to_archive:
        state[archive.login].active = False
    return state


def modify(directory, person, **values):
    changes = "-\n".join(f"replace: {k}\n{k}: {v}\n" for k, v in values.items())
    directory.server.modify_ldif(f"dn: {person.dn}\nchangetype: modify\n{changes}")


def delete(directory, *people):
    directory.server.modify_ldif("".join(f"dn: {p.dn}\nchangetype: delete\n\n" for p in people))


@pytest.fixture
def synced(make_directory):
    """A private directory of 60 people and the state after a first sync."""
    directory = make_directory(60)
    state = apply(sync(directory, {}), {})
    return directory, state


# --------------------------------------------------------------------------
def test_first_sync_creates_every_active_valid_entry(make_directory):
    directory = make_directory(60)
    plan = sync(directory, {})
    people = directory.people
    valid_active = [p for p in people if p.active and "invalid_nip" not in p.flags]
    assert plan.complete and plan.ok and plan.full
    assert plan.seen == 60
    assert sorted(c.login for c in plan.to_create) == sorted(p.login for p in valid_active)
    assert plan.skipped_inactive == sum(
        1 for p in people if not p.active and "invalid_nip" not in p.flags
    )
    assert [e.login for e in plan.errors] == [directory.by_key()["invalid_nip"].login]
    assert plan.errors[0].problems[0].code == "nip_invalid"
    assert directory.by_key()["unknown_unit"].login in {w.login for w in plan.warnings}
    assert (plan.to_update, plan.to_archive, plan.unchanged) == ([], [], 0)
    created = {c.login: c for c in plan.to_create}
    admin = created[directory.by_key()["administrator"].login]
    assert admin.profile["jenis_jabatan"] == "administrator"
    assert admin.fingerprint == fingerprint(admin.profile)


def test_second_sync_changes_nothing(synced):
    directory, state = synced
    plan = sync(directory, state)
    assert plan.summary()["create"] == plan.summary()["update"] == 0
    assert plan.unchanged == len(state)
    assert plan.to_archive == [] and not plan.needs_confirmation


def test_change_of_jabatan_updates_only_that(synced):
    directory, state = synced
    person = directory.by_key()["ahli_muda"]
    modify(directory, person, title="Pranata Komputer Ahli Madya", simpegJenjang="MA")
    plan = sync(directory, state)
    assert [(u.login, u.changes) for u in plan.to_update] == [
        (
            person.login,
            {"jabatan_name": "Pranata Komputer Ahli Madya", "jenjang_fungsional": "ahli_madya"},
        )
    ]
    assert plan.unchanged == len(state) - 1
    apply(plan, state)
    assert sync(directory, state).to_update == []


def test_move_to_another_agency(synced):
    directory, state = synced
    person = directory.by_key()["pelaksana"]
    modify(directory, person, simpegUnitKerja="2.16")
    plan = sync(directory, state)
    assert [(u.login, u.changes) for u in plan.to_update] == [
        (person.login, {"unit_kerja_code": "2.16"})
    ]


def test_unknown_unit_kerja_keeps_the_current_agency(synced):
    directory, state = synced
    person = directory.by_key()["pelaksana"]
    modify(directory, person, simpegUnitKerja="7.77", title="Pengolah Data")
    plan = sync(directory, state)
    # the readable change is applied, the unreadable code does not erase the agency
    assert [(u.login, u.changes) for u in plan.to_update] == [
        (person.login, {"jabatan_name": "Pengolah Data"})
    ]
    warned = {w.login: [p.code for p in w.problems] for w in plan.warnings}
    assert warned[person.login] == ["unit_kerja_unknown"]


def test_update_without_stored_profile_sends_the_whole_profile(synced):
    directory, state = synced
    person = directory.by_key()["administrator"]
    state[person.login] = KnownUser(person.login, fingerprint="stale", profile=None)
    plan = sync(directory, state)
    [update] = plan.to_update
    assert update.login == person.login
    assert update.changes["jenis_jabatan"] == "administrator"


def test_removal_archives_only_on_a_complete_full_pass(synced):
    directory, state = synced
    gone = directory.by_key()["pelaksana"]
    delete(directory, gone)
    incremental = sync(directory, state, full=False)
    assert incremental.complete and incremental.to_archive == []
    full = sync(directory, state)
    assert [(a.login, a.reason) for a in full.to_archive] == [(gone.login, "gone")]
    assert not full.needs_confirmation
    apply(full, state)
    assert state[gone.login].active is False
    assert sync(directory, state).to_archive == []


def test_inactive_in_directory_is_archived_on_full_pass(synced):
    directory, state = synced
    person = directory.by_key()["ahli_madya"]
    modify(directory, person, simpegKedudukanHukum="04")
    incremental = sync(directory, state, full=False)
    assert incremental.to_archive == []
    assert [(a.login, a.reason) for a in incremental.withheld_archives] == [
        (person.login, "inactive")
    ]
    full = sync(directory, state)
    assert [(a.login, a.reason) for a in full.to_archive] == [(person.login, "inactive")]
    apply(full, state)
    # back to aktif: reactivated
    modify(directory, person, simpegKedudukanHukum="01")
    plan = sync(directory, state)
    assert plan.to_reactivate == [person.login]


def test_entry_with_an_error_is_reported_and_not_archived(synced):
    directory, state = synced
    person = directory.by_key()["invalid_nip"]
    assert person.login not in state  # never created: its NIP is invalid
    # an account made by hand before the directory was fixed... or broken
    state[person.login] = KnownUser(person.login, "x", {"login": person.login}, True)
    plan = sync(directory, state)
    assert [e.login for e in plan.errors] == [person.login]
    assert plan.to_archive == [] and plan.to_update == []
    assert person.login not in {a.login for a in plan.withheld_archives}


def test_archive_guard_above_five_percent(synced):
    directory, state = synced
    active = sum(1 for u in state.values() if u.active)
    assert 40 <= active <= 60  # 5 % is 2 to 3 accounts
    victims = [p for p in directory.people[20:] if p.login in state][:4]
    delete(directory, *victims)
    plan = sync(directory, state)
    assert plan.needs_confirmation
    assert plan.to_archive == []
    assert sorted(a.login for a in plan.withheld_archives) == sorted(p.login for p in victims)
    assert "confirm" in plan.withheld_reason
    confirmed = sync(directory, state, confirm_archive=True)
    assert not confirmed.needs_confirmation
    assert sorted(a.login for a in confirmed.to_archive) == sorted(p.login for p in victims)
    # a larger share allowed by configuration
    assert not sync(directory, state, max_archive_share=0.10).needs_confirmation


def test_directory_down_mid_run_changes_nothing(synced):
    directory, state = synced
    # one new person to create and one removal, so that a plan would not be empty
    delete(directory, directory.by_key()["pelaksana"])
    del state[directory.by_key()["ahli_muda"].login]

    def killed_after(source, count):
        for index, entry in enumerate(source):
            if index == count:
                directory.server.kill()
            yield entry

    plan = plan_sync(
        killed_after(entries(directory, page_size=5), 12),
        state,
        known_unit_codes=UNIT_CODES,
        page_size=PAGE,
    )
    assert not plan.complete and not plan.ok
    assert isinstance(plan.directory_exception, simpeg_ldap.DirectoryError)
    assert "stopped after 15 entries" in plan.directory_error
    assert plan.seen == 15
    assert not plan.has_changes
    assert (plan.to_create, plan.to_update, plan.to_archive, plan.withheld_archives) == (
        [],
        [],
        [],
        [],
    )
    assert not plan.needs_confirmation


def test_directory_unreachable_changes_nothing(synced):
    directory, state = synced
    directory.server.stop()
    plan = plan_sync(entries(directory), state)
    assert not plan.complete and plan.seen == 0 and not plan.has_changes
    assert "cannot connect" in plan.directory_error


def test_incremental_pass_sees_only_modified_entries(synced):
    directory, state = synced
    # modifyTimestamp counts whole seconds: modify in the next one
    before = datetime.datetime.now(datetime.timezone.utc)
    since = before.replace(microsecond=0) + datetime.timedelta(seconds=1)
    slapd.wait_for_next_second(before)
    person = directory.by_key()["jpt"]
    modify(directory, person, title="Sekretaris Daerah", simpegEselonId="21")
    plan = plan_sync(
        entries(directory, modified_since=since),
        state,
        full=False,
        known_unit_codes=UNIT_CODES,
        page_size=PAGE,
    )
    assert plan.seen == 1
    assert [(u.login, u.changes) for u in plan.to_update] == [
        (person.login, {"jabatan_name": "Sekretaris Daerah"})
    ]
    assert plan.to_archive == [] and plan.withheld_archives == []


# --------------------------------------------------------------------------
# without a directory
# --------------------------------------------------------------------------
def _entry(login, **extra):
    attrs = {
        "uid": [login.encode()],
        "cn": [b"X"],
        "simpegStatusAsn": [b"PNS"],
        "simpegUnitKerja": [b"6.01"],
        "simpegJenisJabatanId": [b"4"],
    }
    attrs.update({k: [v.encode()] for k, v in extra.items()})
    return f"uid={login},ou=people,dc=x", attrs


def test_duplicate_login_is_an_error_and_nothing_else():
    login = "199002202015031001"
    plan = plan_sync([_entry(login), _entry(login, title="Lain")], {})
    assert plan.to_create == []
    assert [p.code for e in plan.errors for p in e.problems] == ["login_duplicate"]


def test_known_users_as_plain_dicts_and_dry_run_flag():
    login = "199002202015031001"
    dn, attrs = _entry(login)
    first = plan_sync([(dn, attrs)], {}, dry_run=True)
    assert first.dry_run and first.summary()["create"] == 1
    known = {
        login: {
            "fingerprint": first.to_create[0].fingerprint,
            "profile": first.to_create[0].profile,
            "active": True,
        }
    }
    again = plan_sync([(dn, attrs)], known)
    assert again.unchanged == 1 and not again.has_changes


def test_guard_counts_only_active_accounts():
    known = {f"1990022020150310{i:02d}": {"active": i < 20} for i in range(60)}
    plan = plan_sync([], known)
    # 20 active, none left in the directory: all 20 withheld
    assert plan.needs_confirmation and len(plan.withheld_archives) == 20


def test_chunked():
    assert list(simpeg_sync.chunked(range(5), 2)) == [[0, 1], [2, 3], [4]]


# --------------------------------------------------------------------------
# page by page
# --------------------------------------------------------------------------
def _page(*pairs):
    return [read_entry(dn, attrs) for dn, attrs in pairs]


def test_plan_page_needs_only_the_pages_logins():
    new, same, moved, gone = (f"19900220201503100{i}" for i in range(1, 5))
    dn, attrs = _entry(same)
    profile = read_entry(dn, attrs).profile
    known = {
        same: {"fingerprint": fingerprint(profile), "profile": profile, "active": True},
        moved: {
            "fingerprint": "old",
            "profile": dict(profile, login=moved, nip=moved),
            "active": False,
        },
        gone: {"fingerprint": "x", "active": True},
    }
    page = plan_page(
        _page(
            _entry(new),
            (dn, attrs),
            _entry(moved, title="Lain"),
            _entry(gone, simpegKedudukanHukum="04"),
        ),
        known,
    )
    assert [c.login for c in page.to_create] == [new]
    assert page.unchanged == 1
    assert [(u.login, u.changes) for u in page.to_update] == [(moved, {"jabatan_name": "Lain"})]
    assert page.to_reactivate == [moved]
    assert [(a.login, a.reason) for a in page.inactive] == [(gone, "inactive")]
    assert page.logins.keys() == {new, same, moved, gone}
    assert page.changed == {new, moved}


def test_plan_page_duplicate_of_an_earlier_page():
    login = "199002202015031001"
    page = plan_page(
        _page(_entry(login, title="Lain")), {}, earlier={login: "uid=first,ou=people,dc=x"}
    )
    assert page.to_create == [] and page.duplicates == {login}
    assert "uid=first,ou=people,dc=x" in str(page.errors[0])
    assert login not in page.logins  # the first entry is the one remembered
    # a restarted pass: the first entry of a known duplicate changes nothing
    first = plan_page(_page(_entry(login)), {}, duplicates={login})
    assert (
        first.to_create == []
        and first.errors == []
        and first.logins == {login: f"uid={login},ou=people,dc=x"}
    )


def test_decide_archives():
    assert decide_archives(2, 40).archive
    guard = decide_archives(3, 40)
    assert not guard.archive and guard.needs_confirmation and "3 of 40" in guard.reason
    assert decide_archives(3, 40, confirm_archive=True).archive
    assert decide_archives(3, 40, max_archive_share=0.10).archive
    incremental = decide_archives(0, 40, full=False)
    assert not incremental.archive and not incremental.needs_confirmation
    assert "full pass" in incremental.reason


def test_duplicate_login_across_pages():
    login = "199002202015031001"
    other = "199002202015031002"
    state = {other: {"fingerprint": "x", "active": True}}
    plan = plan_sync(
        [
            _entry(login),
            _entry(other, simpegKedudukanHukum="04"),
            _entry(login, title="Lain"),
            _entry(other),
        ],
        state,
        page_size=1,
    )
    assert plan.complete and plan.to_create == []
    assert sorted(e.login for e in plan.errors) == [login, other]
    # a duplicate is in the directory: neither archived as inactive nor as gone
    assert plan.to_archive == plan.withheld_archives == []


class NoTakeBackStore(MemoryStore):
    """Like the database: what a page applied stays applied. Records the
    largest lookup of known accounts."""

    def __init__(self, known):
        super().__init__(known, SyncPlan(full=True))
        self.largest_lookup = 0

    def known(self, logins):
        self.largest_lookup = max(self.largest_lookup, len(logins))
        return super().known(logins)

    def record(self, page):
        late = {login for login in page.duplicates if self.seen[login].changed}
        super().record(page)
        return late


def test_duplicate_after_its_first_page_was_applied_restarts_the_pass():
    login = "199002202015031001"
    source = [
        _entry(login),
        _entry("199002202015031002"),
        _entry(login, title="Lain"),
        _entry("199002202015031003"),
    ]
    first = sync_pass(source, NoTakeBackStore({}), page_size=2)
    assert first.complete and not first.ok and first.restart == {login}
    assert first.archived == first.withheld == 0
    store = NoTakeBackStore({})
    again = sync_pass(source, store, page_size=2, duplicates=first.restart)
    assert again.ok and again.created == 2 and again.errors == 1
    assert sorted(c.login for c in store.plan.to_create) == [
        "199002202015031002",
        "199002202015031003",
    ]
    assert [p.code for e in store.plan.errors for p in e.problems] == ["login_duplicate"]


def test_pass_looks_up_one_page_of_accounts_at_a_time(synced):
    directory, state = synced
    delete(directory, directory.by_key()["pelaksana"])
    store = NoTakeBackStore(state)
    result = sync_pass(entries(directory), store, page_size=PAGE, known_unit_codes=UNIT_CODES)
    assert result.ok and result.seen == 59
    assert store.largest_lookup <= PAGE
    assert [a.login for a in store.plan.to_archive] == [directory.by_key()["pelaksana"].login]
    assert result.archived == 1 and result.unchanged == len(state) - 1
