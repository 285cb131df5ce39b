"""Data dictionary ("metadata" of Perbup Pesisir Selatan 14(3) and Solok 14(3)),
generated from the installed addon so that it cannot drift from the product.

Importable (the test ``tests/odoo/test_docs_dictionary.py`` calls the same
functions) and runnable with the project's Odoo configuration::

    python3 scripts/docs_dictionary.py -c .state/odoo.conf -d ekonsultasi_demo \\
        -o docs/_generated/kamus_data.rst

Where the facts come from:

* the fields of the addon: ``ir.model.data`` records of ``ekonsultasi_addon``
  whose model is ``ir.model.fields`` (``ir.model.fields.modules`` is not
  stored); a field "defined by the addon" is one whose registry field lists
  the addon in ``_modules`` (its own fields, and those it adds to or redefines
  on other models), the others are inherited by the addon's own models from
  Odoo mixins (mail.thread...);
* label, help and selection values in Bahasa Indonesia: ``ir.model.fields``
  read with ``lang='id_ID'`` after the id_ID terms of the addon are loaded
  (in the caller's transaction: :func:`main` rolls it back);
* who may read and write: ``ir.model.access`` of the model, narrowed by the
  field's ``groups``; the record rules (``ir.rule``) are listed by name.

Only Odoo's ``env`` is needed: nothing is imported from Odoo at module level.
"""

import argparse
import sys
from pathlib import Path

MODULE = "ekonsultasi_addon"
LANG = "id_ID"

# Odoo's magic fields: the generator documents them, they carry no help=.
MAGIC_FIELDS = {
    "id": "Nomor identitas unik baris ini, diberikan otomatis oleh basis data.",
    "display_name": "Nama yang ditampilkan untuk catatan ini, dihitung dari nama "
    "catatan (tidak disimpan).",
    "create_uid": "Pengguna yang membuat catatan ini (diisi otomatis).",
    "create_date": "Tanggal dan waktu catatan ini dibuat (diisi otomatis).",
    "write_uid": "Pengguna yang terakhir mengubah catatan ini (diisi otomatis).",
    "write_date": "Tanggal dan waktu perubahan terakhir catatan ini (diisi otomatis).",
}

# Helps whose Indonesian text is, by nature, the same as the English one
# (proper names, codes). Keep short: (model, field).
SAME_IN_BOTH_LANGUAGES = set()

TYPE_LABELS = {
    "char": "teks",
    "text": "teks panjang",
    "html": "HTML",
    "integer": "bilangan bulat",
    "float": "desimal",
    "monetary": "uang",
    "boolean": "ya/tidak",
    "date": "tanggal",
    "datetime": "tanggal dan waktu",
    "selection": "pilihan",
    "binary": "berkas",
    "json": "JSON",
    "many2one": "many2one",
    "one2many": "one2many",
    "many2many": "many2many",
    "many2one_reference": "referensi",
    "reference": "referensi",
    "properties": "properti",
}


# ------------------------------------------------------------- collecting --
def load_terms(env, lang=LANG):
    """Activates ``lang`` and loads the addon's terms in the current transaction."""
    env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms([MODULE], [lang], overwrite=True)


def addon_field_records(env):
    """The ``ir.model.fields`` records that carry an XML id of the addon."""
    data = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.model.fields")])
    return env["ir.model.fields"].browse(data.mapped("res_id")).exists()


def defined_by_addon(env, field_rec):
    """True when the addon's code defines or extends this field."""
    field = env[field_rec.model]._fields.get(field_rec.name) if field_rec.model in env else None
    return bool(field) and MODULE in field._modules


def _own_model(env, model_name):
    return model_name in env and env[model_name]._original_module == MODULE


def _group_names(groups):
    return sorted(g.full_name for g in groups)


def _model_access(env, model_rec):
    rows = []
    for acl in env["ir.model.access"].search(
        [("model_id", "=", model_rec.id), ("active", "=", True)]
    ):
        group = acl.group_id.full_name if acl.group_id else "Semua pengguna (tanpa grup)"
        rows.append(
            {
                "group": group,
                "read": acl.perm_read,
                "write": acl.perm_write,
                "create": acl.perm_create,
                "unlink": acl.perm_unlink,
            }
        )
    rows.sort(key=lambda r: r["group"])
    return rows


def build_dictionary(env, lang=LANG):
    """Returns one dict per model of the addon, with its fields; call
    :func:`load_terms` first for translated labels and helps."""
    env = env(context=dict(env.context, lang=lang))
    field_recs = addon_field_records(env).with_context(lang=lang)
    by_model = {}
    for rec in field_recs:
        by_model.setdefault(rec.model, []).append(rec)
    models = []
    for model_name in sorted(by_model, key=lambda m: (not _own_model(env, m), m)):
        model_rec = env["ir.model"]._get(model_name).with_context(lang=lang)
        if model_name not in env:
            continue
        Model = env[model_name]
        if Model._abstract:
            kind, table = "abstrak (tanpa tabel)", ""
        elif Model._transient:
            kind, table = "sementara (wizard, dihapus berkala)", Model._table
        elif not Model._auto:
            kind, table = "tampilan SQL (laporan, hanya baca)", Model._table
        else:
            kind, table = "tetap", Model._table
        # the diagram draws the data kept: no wizard, no report view
        in_diagram = bool(table) and not Model._transient and Model._auto
        access = _model_access(env, model_rec)
        rules = sorted(
            env["ir.rule"]
            .search([("model_id", "=", model_rec.id), ("active", "=", True)])
            .mapped("name")
        )
        fields = []
        for rec in sorted(by_model[model_name], key=lambda r: (r.name not in MAGIC_FIELDS, r.name)):
            own = defined_by_addon(env, rec)
            magic = rec.name in MAGIC_FIELDS
            help_text = (rec.help or "").strip()
            if magic:
                meaning = MAGIC_FIELDS[rec.name]
            elif help_text:
                meaning = help_text
            elif own:
                meaning = "(Belum ada keterangan.)"
            else:
                origin = Model._fields[rec.name]._modules if rec.name in Model._fields else ()
                meaning = "Bidang standar Odoo (modul {}), diwarisi oleh model ini.".format(
                    ", ".join(origin) or "base"
                )
            selection = [(s.value, s.name) for s in rec.selection_ids.sorted("sequence")]
            fields.append(
                {
                    "name": rec.name,
                    "label": rec.field_description,
                    "ttype": rec.ttype,
                    "relation": rec.relation or "",
                    "required": rec.required,
                    "readonly": rec.readonly,
                    "store": rec.store,
                    "computed": bool(rec.compute) or bool(rec.related),
                    "help": help_text,
                    "meaning": meaning,
                    "selection": selection,
                    "groups": _group_names(rec.groups),
                    "defined_by_addon": own,
                    "magic": magic,
                }
            )
        models.append(
            {
                "model": model_name,
                "description": model_rec.name,
                "own": _own_model(env, model_name),
                "kind": kind,
                "table": table,
                "in_diagram": in_diagram,
                "access": access,
                "rules": rules,
                "fields": fields,
            }
        )
    return models


def undocumented_fields(env, models):
    """Problems the test reports: (model, field, reason) for every field the
    addon defines that is missing from ``models``, has no help, or whose help
    is not translated (the id_ID text equals the English one)."""
    listed = {(m["model"], f["name"]): f for m in models for f in m["fields"]}
    problems = []
    english = {
        (r.model, r.name): (r.help or "").strip()
        for r in addon_field_records(env).with_context(lang="en_US")
    }
    for rec in addon_field_records(env):
        if rec.name in MAGIC_FIELDS or not defined_by_addon(env, rec):
            continue
        key = (rec.model, rec.name)
        entry = listed.get(key)
        if entry is None:
            problems.append((*key, "missing from the dictionary"))
        elif not english.get(key):
            problems.append((*key, "no help"))
        elif entry["help"] == english[key] and key not in SAME_IN_BOTH_LANGUAGES:
            problems.append((*key, "help not translated to Bahasa Indonesia"))
    return problems


# -------------------------------------------------------------- rendering --
def _esc(text):
    """Escapes reST inline markup in plain text and keeps it on one line."""
    text = " ".join(str(text).split())
    for char in ("\\", "*", "`", "|", "_"):
        text = text.replace(char, "\\" + char)
    return text


def _yes(value):
    return "ya" if value else "tidak"


def _type_cell(field):
    label = TYPE_LABELS.get(field["ttype"], field["ttype"])
    if field["relation"]:
        return f"{label} → ``{field['relation']}``"
    return label


def _flags_cell(field):
    flags = []
    if field["required"]:
        flags.append("wajib")
    if field["readonly"]:
        flags.append("baca saja")
    flags.append("disimpan" if field["store"] else "tidak disimpan")
    if field["computed"]:
        flags.append("dihitung")
    return ", ".join(flags)


def _meaning_cell(field):
    text = _esc(field["meaning"])
    if field["selection"]:
        text += (
            " Pilihan: " + "; ".join(f"``{v}`` ({_esc(n)})" for v, n in field["selection"]) + "."
        )
    return text


def _access_cell(field, model):
    writers = [a["group"] for a in model["access"] if a["write"]]
    read = "hanya " + ", ".join(field["groups"]) if field["groups"] else "grup model"
    if field["readonly"]:
        write = "— (baca saja)"
    elif not writers:
        write = "—"
    elif field["groups"]:
        write = "grup model, bila juga anggota grup di atas"
    else:
        write = "grup model"
    return _esc(f"Baca: {read}. Tulis: {write}.")


def _heading(text, char):
    return [text, char * max(len(text), 4), ""]


def render_rst(models):
    """The dictionary as reST, one table per model."""
    own = [m for m in models if m["own"]]
    other = [m for m in models if not m["own"]]
    total = sum(len(m["fields"]) for m in models)
    lines = [
        ".. Dibuat otomatis oleh scripts/docs_dictionary.py dari basis data; jangan diubah.",
        "",
        (
            f"Kamus data ini dibuat otomatis dari modul ``{MODULE}`` yang terpasang "
            f"(``ir.model``, ``ir.model.fields``, ``ir.model.access``, ``ir.rule``): "
            f"{len(own)} model milik modul dan {len(other)} model Odoo yang diperluas, "
            f"{total} bidang. Label dan arti bidang diambil dalam Bahasa Indonesia "
            "(terjemahan ``i18n/id.po``)."
        ),
        "",
        (
            "Kolom *Sifat*: *wajib* (harus diisi), *baca saja* (tidak diubah lewat "
            "antarmuka), *disimpan* (ada kolomnya di tabel basis data) atau *tidak "
            "disimpan*, *dihitung* (nilainya dihitung dari bidang lain). Kolom *Akses* "
            "menggabungkan hak akses model (tabel *Hak akses*: *grup model* berarti grup "
            "yang di tabel itu boleh membaca, atau menulis) dengan pembatasan grup pada "
            "bidang itu sendiri; aturan rekaman (*record rules*) membatasi lebih lanjut "
            "baris mana yang terlihat."
        ),
        "",
    ]
    for title, group in (
        ("Model milik modul", own),
        ("Model Odoo yang diperluas oleh modul", other),
    ):
        if not group:
            continue
        lines += _heading(title, "~")
        for model in group:
            lines += _render_model(model)
    return "\n".join(lines) + "\n"


def _render_model(model):
    lines = _heading(f"{model['description']} (``{model['model']}``)", "^")
    table = f"``{model['table']}``" if model["table"] else "—"
    lines += [
        f"* Tabel basis data: {table}; jenis: {model['kind']}.",
    ]
    if not model["own"]:
        lines.append("* Hanya bidang yang ditambahkan atau diubah oleh modul yang dicantumkan.")
    if model["rules"]:
        lines.append("* Aturan rekaman: " + "; ".join(_esc(r) for r in model["rules"]) + ".")
    lines.append("")
    if model["access"]:
        lines += [
            ".. list-table:: Hak akses",
            "   :header-rows: 1",
            "   :widths: 52 12 12 12 12",
            "",
            "   * - Grup",
            "     - Baca",
            "     - Tulis",
            "     - Buat",
            "     - Hapus",
        ]
        for acl in model["access"]:
            lines += [
                f"   * - {_esc(acl['group'])}",
                f"     - {_yes(acl['read'])}",
                f"     - {_yes(acl['write'])}",
                f"     - {_yes(acl['create'])}",
                f"     - {_yes(acl['unlink'])}",
            ]
        lines.append("")
    lines += [
        ".. list-table:: Bidang",
        "   :header-rows: 1",
        "   :widths: 15 12 14 11 35 13",
        "   :class: kamus-data",
        "",
        "   * - Nama",
        "     - Label",
        "     - Tipe",
        "     - Sifat",
        "     - Arti",
        "     - Akses",
    ]
    for field in model["fields"]:
        lines += [
            f"   * - ``{field['name']}``",
            f"     - {_esc(field['label'])}",
            f"     - {_type_cell(field)}",
            f"     - {_flags_cell(field)}",
            f"     - {_meaning_cell(field)}",
            f"     - {_access_cell(field, model)}",
        ]
    lines.append("")
    return lines


# ---------------------------------------------------------------- diagram --
# relations drawn on every model: they would hide the others
DIAGRAM_SKIPPED_RELATIONS = {"res.company", "res.users", "res.partner", "mail.message"}


def render_dot(models):
    """Graphviz source of the model diagram: one box per model of the
    dictionary that keeps data (no wizard, no report view; the addon's own
    models in blue), one arrow per many2one field of the addon between two
    of them (labelled with the field's name)."""
    names = {m["model"] for m in models if m["in_diagram"]}
    lines = [
        "digraph ekonsultasi {",
        '    graph [rankdir=LR, fontname="DejaVu Sans", fontsize=10, nodesep=0.3, ranksep=0.6];',
        '    node [shape=box, fontname="DejaVu Sans", fontsize=9, style="rounded,filled"];',
        '    edge [fontname="DejaVu Sans", fontsize=7, color="#555555"];',
    ]
    for model in models:
        if model["model"] not in names:
            continue
        color = "#dbe9f6" if model["own"] else "#f2f2f2"
        label = f"{model['model']}\\n({model['table']})"
        lines.append(f'    "{model["model"]}" [label="{label}", fillcolor="{color}"];')
    for model in models:
        if model["model"] not in names:
            continue
        for field in model["fields"]:
            target = field["relation"]
            if (
                field["ttype"] == "many2one"
                and not field["magic"]
                and field["defined_by_addon"]
                and target in names
                and target not in DIAGRAM_SKIPPED_RELATIONS
                and target != model["model"]
            ):
                lines.append(f'    "{model["model"]}" -> "{target}" [label="{field["name"]}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _write_if_changed(path, text):
    """Writes ``text`` unless the file holds it already (keeps Sphinx's cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------- main --
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="odoo.conf (.state/odoo.conf)")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-o", "--output", required=True, help="the reST file to write")
    parser.add_argument("--dot", help="also write the model diagram (Graphviz source) there")
    args = parser.parse_args(argv)

    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if env["ir.module.module"].search([("name", "=", MODULE)]).state != "installed":
            sys.exit(f"{MODULE} is not installed in {args.database}")
        load_terms(env)
        models = build_dictionary(env)
        problems = undocumented_fields(env, models)
        text = render_rst(models)
        cr.rollback()  # load_terms wrote the terms in this transaction only
    out = Path(args.output)
    _write_if_changed(out, text)
    if args.dot:
        _write_if_changed(Path(args.dot), render_dot(models))
    fields = sum(len(m["fields"]) for m in models)
    sys.stderr.write(f"{out}: {len(models)} models, {fields} fields\n")
    for model, field, reason in problems:
        sys.stderr.write(f"WARNING: {model}.{field}: {reason}\n")


if __name__ == "__main__":
    main()
