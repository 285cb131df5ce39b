"""Work that must run once however many Odoo nodes run it (issue 13).

Every node runs the scheduled actions, and an administrator may start one by
hand on any node ("Run manually", a button, a shell). Odoo's cron workers
take a job's ``ir_cron`` row with ``SKIP LOCKED``, so two cron workers never
run the same job together, but a manual run or a direct call does not go
through that. A PostgreSQL advisory lock, named after the work, is the one
door all of them pass: it is held until the end of the transaction that took
it (released by the commit or rollback, and by PostgreSQL if the process
dies), costs no row lock (nobody editing the records waits for it), and a
second taker is refused at once instead of waiting.
"""


def try_xact_lock(cr, name, key=0):
    """Take the transaction-level advisory lock of ``name`` (and ``key``,
    for instance a record id): True if this transaction holds it now (also
    when it already did), False if another transaction holds it.

    ``cr`` is any DB-API cursor (Odoo's, psycopg2's)."""
    cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", (name, int(key)))
    return bool(cr.fetchone()[0])
