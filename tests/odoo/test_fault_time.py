"""Fault: time (issue 12). A server whose clock is set in another time zone,
and the change of year in the holiday import, give the same limits.

The same Odoo script runs in processes whose ``TZ`` differs (the server's
zone: New York, Jakarta, UTC, Tokyo): it imports the national holidays of
2026 and 2027 onto a working calendar without any (in both orders), and
computes the answer limits of consultations received around the change of
year, in WIB. Every process must give the same days off and the same limits,
and the limits must skip the days off of both years."""

import datetime as dt

ZONES = ("America/New_York", "Asia/Jakarta", "UTC", "Asia/Tokyo")

# received, in WIB (the calendar's zone); naive UTC is WIB - 7 h
RECEIVED_WIB = (
    "2026-12-23 10:00",  # Wednesday before Natal: cuti bersama 24, Natal 25
    "2026-12-30 10:00",  # limit runs into 2027: 1 Jan and Isra Mikraj 5 Jan off
    "2026-12-31 20:00",  # after office hours on the last day of the year
    "2027-01-01 00:30",  # already 2027 in WIB, still 2026 in UTC and New York
    "2027-01-04 07:00",  # before office hours, first working day of 2027
)

LIMITS = """
import datetime as dt
received = [dt.datetime.fromisoformat(r) - dt.timedelta(hours=7) for r in %(received)r]
sla = env["helpdesk.sla"].search([], limit=1, order="id")
policy = (sla.days, sla.hours, sla.counting_rule, sla.reminder_days, sla.escalation_days)
for order in ((2026, 2027), (2027, 2026)):
    calendar = env["resource.calendar"].browse(data["calendar"]).copy({"name": "Tanpa libur"})
    calendar.leave_ids.unlink()
    for year in order:
        calendar.action_import_holidays(year)
    env.flush_all()
    limits = env["helpdesk.ticket.sla"]._ekonsultasi_limits(
        calendar, received, [0] * len(received), [policy] * len(received)
    )
    emit({
        "order": order,
        "leaves": sorted(
            (l.name, str(l.date_from), str(l.date_to)) for l in calendar.global_leave_ids
        ),
        "policy": policy,
        "tz": calendar.tz,
        "limits": [[str(d) for d in column] for column in limits],
    })
"""


def _limits(db, zone):
    """The results of both import orders, without the order."""
    results = db.run(LIMITS % {"received": RECEIVED_WIB}, env={"TZ": zone})
    assert [r.pop("order") for r in results] == [[2026, 2027], [2027, 2026]]
    return results


def _wib(value):
    return dt.datetime.fromisoformat(value) + dt.timedelta(hours=7)


def test_same_limits_whatever_the_server_zone_and_the_import_order(fault_db):
    results = {zone: _limits(fault_db, zone) for zone in ZONES}
    reference, other_order = results["Asia/Jakarta"]
    assert reference["tz"] == "Asia/Jakarta"
    assert other_order == reference, "importing 2027 before 2026 gives other limits"
    for zone, (result, _other) in results.items():
        assert result == reference, f"server in {zone} differs from a server in WIB"
    # the days off are whole days of WIB, on both sides of the change of year
    leaves = [(_wib(start), _wib(end)) for _name, start, end in reference["leaves"]]
    off = {start.date() for start, _end in leaves}
    for day in ("2026-12-24", "2026-12-25", "2027-01-01", "2027-01-05"):
        assert dt.date.fromisoformat(day) in off, day
    for start, end in leaves:
        assert start.time() == dt.time(0, 0) and end.time() == dt.time(23, 59, 59)
    # 3 hari kerja (end of the third working day), counted in WIB
    assert reference["policy"][:3] == [3, 0.0, "end_of_day"]
    deadlines = [_wib(d) for d in reference["limits"][0]]
    for received, deadline in zip(RECEIVED_WIB, deadlines, strict=True):
        received = dt.datetime.fromisoformat(received)
        assert deadline > received
        assert deadline.weekday() < 5 and deadline.date() not in off, (received, deadline)
    # received on 30 December: 31 December, then 1 January (off), the
    # weekend, 4 January, 5 January (off): the limit falls in 2027
    assert deadlines[1].date() > dt.date(2027, 1, 5)
    # received at 00:30 WIB on 1 January (31 December in UTC): counted from
    # the first working day of 2027, as one received on 4 January at 07:00
    assert deadlines[3] == deadlines[4]
