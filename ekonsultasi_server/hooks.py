# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_load():
    """At the start of an Odoo server that loads this module server-wide
    (the production configuration: ``server_wide_modules``), let the
    option ``ekonsultasi_listen_backlog`` set how many connections the kernel
    keeps waiting for Odoo's HTTP workers.

    Odoo's multi-process server listens with a queue of 8 connections per
    worker, and no option changes it. Behind nginx, more requests than that
    at once overflow the queue: the kernel drops the connections it cannot
    queue, nginx sends the request again only after TCP's retransmission
    delay, a worker that took the connection meanwhile gives up after its
    2 seconds of waiting for the request ("Request timed out"), and nginx
    answers 502 (bench/bench_load.py: 15 errors with one worker and 100
    users). With a longer queue the requests wait their turn in the kernel
    instead, slower but answered. Without the option, Odoo's queue stays.

    A module of its own, without models or routes: the controllers of a
    server-wide module serve every database of the server, including those
    that do not have ekonsultasi_addon installed."""
    # pylint: disable=import-outside-toplevel  # only where the option is set
    from odoo.service import server
    from odoo.tools import config

    backlog = int(config.get("ekonsultasi_listen_backlog") or 0)
    original = server.PreforkServer.start
    if not backlog or getattr(original, "ekonsultasi_backlog", None):
        return

    def start(self):
        original(self)
        if self.socket:
            # listen() again on a listening socket sets its queue (Linux);
            # the kernel caps it at net.core.somaxconn
            self.socket.listen(max(backlog, 8 * self.population))

    start.ekonsultasi_backlog = backlog
    server.PreforkServer.start = start
