"""Benchmark: the Pustaka Jawaban suggestions over 10,000 published entries.

It works in a database of its own (``--db``, ``make bench`` passes
``ekonsultasi_bench_pustaka``), created with ekonsultasi_addon (no demo data)
when missing and updated when the addon's sources changed. The database
gets, once, in a company of its own ("Pemda Bench Pustaka"):

* N consultations (default 100,000), bulk-inserted with ``COPY``;
* M published entries (default 10,000), one per consultation of the first
  M, bulk-inserted with their search stems (``lib/pustaka.stems``; the
  ``search_vector`` column and its GIN index follow by themselves).

Each entry is about one subject: an action (a word with its Indonesian
forms: *pengadaan*, *mengadakan*, *diadakan*), an object and a place, with
sentences that every entry shares around them. A **reworded question** asks
about the subject of one entry with other forms of its words, in another
order, with other filler words (see :func:`reworded`): what a konsulti who
has not read the entry would write.

In one run, on the same data, for Q reworded questions (default 200):

1. ours: ``ekonsultasi.pustaka._ekonsultasi_suggest`` as a konsulti (record
   rules applied), the five best with their names and answers read, as
   ``/pustaka/suggest`` does: server time per question, p50 and p95
   (target: p95 <= 50 ms);
2. the baseline: a plain ``ILIKE`` search over the same entries, each word
   of the question (stop words left out) a ``%word%`` pattern on title,
   question and answer, the entries matching most words first: its p50 and
   p95, and the ratio ours / ILIKE;
3. recall at 5 of both: the share of questions whose entry is among the
   five first (target: ours above ILIKE). For information, the same full
   text search without stems (the words as they are, PostgreSQL's
   ``simple`` configuration) shows what the stems add, and trigram
   similarity (``pg_trgm``'s ``word_similarity`` of each title with the
   question) what the other road PostgreSQL offers gives.

Run it with ``make bench`` or
    python3 bench/bench_pustaka.py -c .state/odoo.conf --db ekonsultasi_bench_pustaka
(``--refill`` makes the database again and fills it).
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import io
import os
import random
import sys
import time

import numpy as np
from bench_db import prepare_database  # pylint: disable=import-error  # bench/ is the script's folder

import odoo
from odoo import Command
from odoo.tools import SQL, config

FINGERPRINT = "bench_pustaka.addon_fingerprint"  # ir.config_parameter
COMPANY = "Pemda Bench Pustaka"
SEED = 15
P95_TARGET_MS = 50.0

# actions: the forms of one word as konsulti write them
ACTIONS = [
    ("pengadaan", "mengadakan", "diadakan"),
    ("pengelolaan", "mengelola", "dikelola"),
    ("pembayaran", "membayar", "dibayarkan"),
    ("pelaporan", "melaporkan", "dilaporkan"),
    ("penyusunan", "menyusun", "disusun"),
    ("penetapan", "menetapkan", "ditetapkan"),
    ("pemeriksaan", "memeriksa", "diperiksa"),
    ("penghapusan", "menghapus", "dihapus"),
    ("peminjaman", "meminjam", "dipinjam"),
    ("penyewaan", "menyewakan", "disewakan"),
    ("pemindahan", "memindahkan", "dipindahkan"),
    ("pengangkatan", "mengangkat", "diangkat"),
    ("penggantian", "mengganti", "diganti"),
    ("pencatatan", "mencatat", "dicatat"),
    ("perhitungan", "menghitung", "dihitung"),
    ("pengembalian", "mengembalikan", "dikembalikan"),
    ("penyetoran", "menyetorkan", "disetorkan"),
    ("pemungutan", "memungut", "dipungut"),
    ("pertanggungjawaban", "mempertanggungjawabkan", "dipertanggungjawabkan"),
    ("perencanaan", "merencanakan", "direncanakan"),
    ("pengawasan", "mengawasi", "diawasi"),
    ("pembangunan", "membangun", "dibangun"),
    ("pembelian", "membeli", "dibeli"),
    ("penjualan", "menjual", "dijual"),
    ("pemberian", "memberikan", "diberikan"),
    ("penilaian", "menilai", "dinilai"),
]
OBJECTS = [
    "laptop",
    "kendaraan",
    "tanah",
    "gedung",
    "honorarium",
    "tunjangan",
    "komputer",
    "printer",
    "genset",
    "ambulans",
    "sepeda",
    "motor",
    "traktor",
    "jembatan",
    "irigasi",
    "sumur",
    "mesin",
    "pompa",
    "kursi",
    "meja",
    "lemari",
    "proyektor",
    "kamera",
    "drone",
    "bibit",
    "pupuk",
    "ternak",
    "perahu",
    "tenda",
    "seragam",
    "buku",
    "obat",
    "vaksin",
    "beasiswa",
    "insentif",
    "lembur",
    "uang_saku",
    "konsumsi",
    "alat_tulis",
    "bahan_bakar",
    "listrik",
    "internet",
    "telepon",
    "air_bersih",
    "sampah",
    "kebersihan",
    "keamanan",
    "jasa_konsultan",
    "jasa_konstruksi",
    "aspal",
    "semen",
    "pasir",
    "batu",
    "bata",
    "kayu",
    "besi",
    "cat",
]
PLACES = [
    "posyandu",
    "puskesmas",
    "sekolah",
    "kantor_camat",
    "pasar_nagari",
    "bumnag",
    "masjid",
    "surau",
    "balai_nagari",
    "lapangan",
    "terminal",
    "perpustakaan",
    "museum",
    "rsud",
    "dinas_kesehatan",
    "dinas_pendidikan",
    "bpbd",
    "satpol_pp",
    "sekretariat_dprd",
    "bappeda",
    "bkpsdm",
    "inspektorat",
    "kecamatan",
    "kelurahan",
    "polindes",
    "pustu",
    "gudang",
    "bengkel",
    "laboratorium",
    "asrama",
]
# what every entry says around its subject, and what konsulti add
SHARED = [
    "Mohon penjelasan mengenai ketentuan yang berlaku",
    "Kami sudah membaca peraturan namun masih ragu",
    "Hal ini terkait kegiatan tahun anggaran berjalan",
    "Apakah ada batasan nilai dan dokumen yang harus disiapkan",
    "Kepala dinas meminta kami berkonsultasi terlebih dahulu",
    "Dokumen pendukung kami lampirkan bila diperlukan",
]
ANSWERS = [
    "Sesuai peraturan yang berlaku kegiatan tersebut harus dicantumkan dalam dokumen anggaran",
    "Bukti yang sah wajib disimpan oleh bendahara dan dilaporkan secara berkala",
    "Pastikan kegiatan tercantum dalam rencana kerja dan disetujui pejabat yang berwenang",
    "Apabila nilainya melebihi batas maka prosedur pengadaan barang dan jasa berlaku",
    "Koordinasikan dengan inspektorat bila terdapat temuan pemeriksaan sebelumnya",
]
FILLERS = [
    "Selamat pagi bapak ibu konsultan",
    "Izin bertanya",
    "Mohon arahan",
    "Terima kasih atas bantuannya",
    "Kami dari nagari ingin tahu",
    "Bagaimana caranya",
    "Apa saja syaratnya",
]


def words_of(token):
    return token.replace("_", " ")


def subjects(count, rng):
    """``count`` distinct (action, object, place) triples."""
    triples = [
        (a, o, p)
        for a in range(len(ACTIONS))
        for o in range(len(OBJECTS))
        for p in range(len(PLACES))
    ]
    rng.shuffle(triples)
    return triples[:count]


def entry_texts(triple, rng):
    a, o, p = triple
    action, obj, place = ACTIONS[a], words_of(OBJECTS[o]), words_of(PLACES[p])
    title = f"{action[0].capitalize()} {obj} di {place}"
    question = ". ".join(
        [
            f"Kami akan melakukan {action[0]} {obj} untuk {place}",
            *rng.sample(SHARED, 3),
            f"Bagaimana ketentuan {action[0]} {obj} tersebut",
        ]
    )
    answer = ". ".join(
        [
            f"Untuk {action[0]} {obj} di {place} perhatikan hal berikut",
            *rng.sample(ANSWERS, 3),
            f"{obj.capitalize()} yang {action[2]} harus dicatat sebagai aset atau belanja",
        ]
    )
    return title, question, answer


def reworded(triple, rng):
    """A konsulti's question about the subject of ``triple``, in other
    words: other forms of the action, another order, other fillers."""
    a, o, p = triple
    action, obj, place = ACTIONS[a], words_of(OBJECTS[o]), words_of(PLACES[p])
    form = rng.choice(action[1:])
    shapes = [
        f"{rng.choice(FILLERS)}. Apakah {place} boleh {action[1]} {obj} sendiri",
        f"{obj.capitalize()} yang {action[2]} oleh {place}, bagaimana aturannya",
        f"{rng.choice(FILLERS)}. Kami di {place} ingin {form} {obj}. Apa syaratnya",
        f"Cara {form} {obj} untuk {place}",
    ]
    return rng.choice(shapes)


# --------------------------------------------------------------------------
# Filling (once)
# --------------------------------------------------------------------------
def _copy(cr, table, columns):
    buffer = io.StringIO()
    names = list(columns)
    for row in zip(*columns.values(), strict=True):
        buffer.write("\t".join(str(v).replace("\t", " ").replace("\n", " ") for v in row))
        buffer.write("\n")
    buffer.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(names)}) FROM STDIN", buffer)


def create_master(env):
    company = env["res.company"].create({"name": COMPANY})
    env.ref("base.user_admin").company_ids = [Command.link(company.id)]
    Env = env(context={"allowed_company_ids": [company.id]})
    topics = env["helpdesk.ticket.category"]
    for i in range(8):
        agency = Env["ekonsultasi.perangkat.daerah"].create(
            {"name": f"Perangkat Daerah {i + 1}", "code": f"PB-{i}", "company_id": company.id}
        )
        team = Env["helpdesk.ticket.team"].create(
            {"name": f"Tim {i + 1}", "perangkat_daerah_id": agency.id, "company_id": company.id}
        )
        parent = Env["helpdesk.ticket.category"].create(
            {
                "name": agency.name,
                "perangkat_daerah_id": agency.id,
                "team_id": team.id,
                "company_id": company.id,
            }
        )
        for j in range(4):
            topics |= Env["helpdesk.ticket.category"].create(
                {"name": f"Topik {i + 1}.{j + 1}", "parent_id": parent.id, "company_id": company.id}
            )
    partner = Env["res.partner"].create({"name": "Konsulti Bench", "company_id": company.id})
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": "Konsulti Bench",
            "login": "konsulti_bench_pustaka",
            "partner_id": partner.id,
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [
                Command.set([env.ref("ekonsultasi_addon.group_ekonsultasi_konsulti").id])
            ],
        }
    )
    return company, topics, partner


def fill(env, consultations, entries):
    from odoo.addons.ekonsultasi_addon.lib import pustaka

    rng = random.Random(SEED)
    company, topics, partner = create_master(env)
    cr = env.cr
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    cr.execute(
        "SELECT nextval('helpdesk_ticket_id_seq') FROM generate_series(1, %s)", (consultations,)
    )
    ids = [row[0] for row in cr.fetchall()]
    triples = subjects(entries, rng)
    texts = [entry_texts(t, rng) for t in triples]
    topic_of = [topics[rng.randrange(len(topics))] for _i in range(consultations)]
    names, descriptions = [], []
    for i in range(consultations):
        if i < entries:
            title, question, _answer = texts[i]
        else:
            title, question, _answer = entry_texts(
                (
                    rng.randrange(len(ACTIONS)),
                    rng.randrange(len(OBJECTS)),
                    rng.randrange(len(PLACES)),
                ),
                rng,
            )
        names.append(title)
        descriptions.append(f"<p>{question}</p>")
    now = "2026-06-01 08:00:00"
    _copy(
        cr,
        "helpdesk_ticket",
        {
            "id": ids,
            "company_id": [company.id] * consultations,
            "number": [f"PB-{i:06d}" for i in range(consultations)],
            "name": names,
            "description": descriptions,
            "partner_id": [partner.id] * consultations,
            "category_id": [t.id for t in topic_of],
            "team_id": [t.parent_id.team_id.id for t in topic_of],
            "perangkat_daerah_id": [t.perangkat_daerah_id.id for t in topic_of],
            "stage_id": [stage.id] * consultations,
            "active": ["t"] * consultations,
            "create_date": [now] * consultations,
            "write_date": [now] * consultations,
        },
    )
    _copy(
        cr,
        "ekonsultasi_pustaka",
        {
            "company_id": [company.id] * entries,
            "ticket_id": ids[:entries],
            "name": [t[0] for t in texts],
            "question": [t[1] for t in texts],
            "answer": [t[2] for t in texts],
            "category_id": [topic_of[i].id for i in range(entries)],
            "perangkat_daerah_id": [topic_of[i].perangkat_daerah_id.id for i in range(entries)],
            "state": ["published"] * entries,
            "publish_date": ["2026-06-02"] * entries,
            "review_date": ["2027-06-02"] * entries,
            "search_stems": [pustaka.stems(" ".join(t)) for t in texts],
            "create_date": [now] * entries,
            "write_date": [now] * entries,
        },
    )
    cr.execute("ANALYZE helpdesk_ticket")
    cr.execute("ANALYZE ekonsultasi_pustaka")
    return company


def ensure_data(registry, consultations, entries):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env["res.company"].search([("name", "=", COMPANY)])
        if company:
            cr.execute(
                "SELECT count(*) FROM ekonsultasi_pustaka WHERE company_id = %s", (company.id,)
            )
            if cr.fetchone()[0] == entries:
                return company.id, False
            raise SystemExit(f"{COMPANY} holds other data: run with --refill")
        start = time.perf_counter()
        company = fill(env, consultations, entries)
        print(
            f"filled: {consultations:,} consultations, {entries:,} published entries "
            f"in {time.perf_counter() - start:.0f} s"
        )
        return company.id, True


# --------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------
def ilike_search(env, company_id, text, limit=5):
    """The plain baseline: each word a %word% pattern, most words first."""
    from odoo.addons.ekonsultasi_addon.lib import pustaka

    words = [w for w in dict.fromkeys(pustaka.words(text)) if len(w) >= 3][:24]
    if not words:
        return []
    patterns = [f"%{w}%" for w in words]
    haystack = SQL("(name || ' ' || question || ' ' || answer)")
    score = SQL(" + ").join(
        SQL("(CASE WHEN %s ILIKE %s THEN 1 ELSE 0 END)", haystack, p) for p in patterns
    )
    env.cr.execute(
        SQL(
            """SELECT id FROM ekonsultasi_pustaka
                WHERE state = 'published' AND company_id = %s AND %s ILIKE ANY(%s)
             ORDER BY %s DESC, id DESC LIMIT %s""",
            company_id,
            haystack,
            patterns,
            score,
            limit,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def raw_fts_search(env, company_id, text, limit=5):
    """For information: the same full-text search on the words unstemmed."""
    from odoo.addons.ekonsultasi_addon.lib import pustaka

    words = [w for w in dict.fromkeys(pustaka.words(text)) if len(w) >= 3][:24]
    if not words:
        return []
    env.cr.execute(
        """SELECT id FROM ekonsultasi_pustaka, to_tsquery('simple', %s) q
            WHERE state = 'published' AND company_id = %s AND bench_raw_vector @@ q
         ORDER BY ts_rank(bench_raw_vector, q) DESC, id DESC LIMIT %s""",
        (pustaka.tsquery(words), company_id, limit),
    )
    return [row[0] for row in env.cr.fetchall()]


def trigram_search(env, company_id, text, limit=5):
    """For information: trigram similarity (pg_trgm) of each title with the
    question (how well the title appears in it), every entry scored."""
    env.cr.execute(
        """SELECT id FROM ekonsultasi_pustaka
            WHERE state = 'published' AND company_id = %s
         ORDER BY word_similarity(name, %s) DESC, id DESC LIMIT %s""",
        (company_id, text, limit),
    )
    return [row[0] for row in env.cr.fetchall()]


def timed(function, questions):
    times, results = [], []
    for question in questions:
        start = time.perf_counter()
        results.append(function(question))
        times.append((time.perf_counter() - start) * 1000)
    return np.array(times), results


def recall(results, expected):
    return sum(e in r[:5] for r, e in zip(results, expected, strict=True)) / len(expected)


def measure(registry, company_id, count):
    rng = random.Random(SEED + 1)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            "SELECT p.id, p.name FROM ekonsultasi_pustaka p WHERE p.company_id = %s ORDER BY p.id",
            (company_id,),
        )
        rows = cr.fetchall()
        by_title = {name: entry_id for entry_id, name in rows}
        by_id_name = {entry_id: name for entry_id, name in rows}
        # the triples back from the titles (entry_texts wrote them)
        index = {}
        for a, action in enumerate(ACTIONS):
            for o, obj in enumerate(OBJECTS):
                for p, place in enumerate(PLACES):
                    title = f"{action[0].capitalize()} {words_of(obj)} di {words_of(place)}"
                    if title in by_title:
                        index[by_title[title]] = (a, o, p)
        sample = rng.sample(sorted(index), count)
        questions = [reworded(index[i], rng) for i in sample]
        user = env["res.users"].search([("login", "=", "konsulti_bench_pustaka")])
        Entry = env(user=user.id)["ekonsultasi.pustaka"]
        domain = Entry._ekonsultasi_portal_domain()

        def ours(question):
            found = Entry._ekonsultasi_suggest(question, domain, limit=5)
            found.read(["name", "answer", "category_id", "needs_review"])
            return found.ids

        def query_only(question):
            return Entry._ekonsultasi_suggest(question, domain, limit=5).ids

        def ilike(question):
            ids = ilike_search(env, company_id, question)
            Entry.browse(ids).read(["name", "answer", "category_id", "needs_review"])
            return ids

        # for information: the unstemmed index, made in this run's transaction
        cr.execute(
            """ALTER TABLE ekonsultasi_pustaka ADD COLUMN bench_raw_vector tsvector;
               UPDATE ekonsultasi_pustaka
                  SET bench_raw_vector =
                      to_tsvector('simple', name || ' ' || question || ' ' || answer)
                WHERE company_id = %s;
               CREATE INDEX ON ekonsultasi_pustaka USING gin (bench_raw_vector);
               ANALYZE ekonsultasi_pustaka;""",
            (company_id,),
        )
        for question in questions[:20]:  # warm the caches of both
            ours(question)
            ilike(question)
        ours_ms, ours_ids = timed(ours, questions)
        query_ms, _ids = timed(query_only, questions)
        ilike_ms, ilike_ids = timed(ilike, questions)
        raw_ms, raw_ids = timed(lambda q: raw_fts_search(env, company_id, q), questions)
        cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        trgm_ms, trgm_ids = timed(lambda q: trigram_search(env, company_id, q), questions)
        cr.rollback()  # the bench column goes
        found = [
            Entry.browse(ids).mapped("name")[:1] for ids in ours_ids
        ]  # the first suggestion of each question, for the misses printed
        return {
            "entries": len(rows),
            "questions": questions,
            "slowest": sorted(zip(ours_ms, questions, strict=True), reverse=True)[:3],
            "misses": [
                (q, by_id_name.get(e), f[0] if f else None)
                for q, e, ids, f in zip(questions, sample, ours_ids, found, strict=True)
                if e not in ids[:5]
            ][:3],
            "ours_ms": ours_ms,
            "query_ms": query_ms,
            "ilike_ms": ilike_ms,
            "raw_ms": raw_ms,
            "trgm_ms": trgm_ms,
            "recall_trgm": recall(trgm_ids, sample),
            "recall_ours": recall(ours_ids, sample),
            "recall_ilike": recall(ilike_ids, sample),
            "recall_raw": recall(raw_ids, sample),
        }


def _line(label, text):
    print(f"{label:<52}: {text}")


def _ok(passed):
    return "PASS" if passed else "FAIL"


def report(r):
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"{r['entries']:,} published entries, {len(r['questions'])} reworded questions "
        f"(machine load average {load} on {os.cpu_count()} cores), e.g."
    )
    for question in r["questions"][:3]:
        print(f"    {question}")
    p = {
        k: np.percentile(r[k], [50, 95])
        for k in ("ours_ms", "query_ms", "ilike_ms", "raw_ms", "trgm_ms")
    }
    _line(
        "1. ours: stems + full-text (GIN), 5 best read",
        f"p50 {p['ours_ms'][0]:.1f} ms, p95 {p['ours_ms'][1]:.1f} ms "
        f"(target p95 <= {P95_TARGET_MS:.0f} ms) {_ok(p['ours_ms'][1] <= P95_TARGET_MS)}",
    )
    _line(
        "   of which the query (_ekonsultasi_suggest)",
        f"p50 {p['query_ms'][0]:.1f} ms, p95 {p['query_ms'][1]:.1f} ms",
    )
    _line(
        "2. baseline: ILIKE '%word%' per word, most first",
        f"p50 {p['ilike_ms'][0]:.1f} ms, p95 {p['ilike_ms'][1]:.1f} ms",
    )
    _line("   ratio ours / ILIKE at p95", f"{p['ours_ms'][1] / p['ilike_ms'][1]:.2f}")
    better = r["recall_ours"] > r["recall_ilike"]
    _line(
        "3. recall at 5, ours vs ILIKE",
        f"{r['recall_ours']:.1%} vs {r['recall_ilike']:.1%} (target: ours higher) {_ok(better)}",
    )
    _line(
        "   information: full-text without stems",
        f"recall at 5 {r['recall_raw']:.1%}, p95 {p['raw_ms'][1]:.1f} ms",
    )
    for ms, question in r["slowest"]:
        print(f"    slow: {ms:.1f} ms  {question}")
    for question, expected, first in r["misses"]:
        print(f"    missed: {question!r}: expected {expected!r}, first {first!r}")
    _line(
        "   information: trigram word_similarity of titles",
        f"recall at 5 {r['recall_trgm']:.1%}, p95 {p['trgm_ms'][1]:.1f} ms",
    )
    return 0 if p["ours_ms"][1] <= P95_TARGET_MS and better else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True, help="database of this benchmark (made if missing)")
    parser.add_argument("-n", "--consultations", type=int, default=100000)
    parser.add_argument("-e", "--entries", type=int, default=10000)
    parser.add_argument("-q", "--questions", type=int, default=200)
    parser.add_argument("--refill", action="store_true", help="delete and fill the data again")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn", "--without-demo=all"])
    odoo.modules.module.initialize_sys_path()
    if args.refill and odoo.service.db.exp_db_exist(args.db):
        # deleting 100,000 consultations takes hours (helpdesk_ticket's
        # duplicate_id has no index): the database goes instead
        odoo.service.db.exp_drop(args.db)
    registry = prepare_database(args.db, FINGERPRINT)
    company_id, _filled = ensure_data(registry, args.consultations, args.entries)
    return report(measure(registry, company_id, args.questions))


if __name__ == "__main__":
    sys.exit(main())
