"""The data dictionary of the documents (issue 14, the regulations' "metadata"):
every field the addon defines is in it, with a help, translated to Bahasa
Indonesia. Calls the generator that make docs runs (scripts/docs_dictionary.py)."""

import importlib.util
from pathlib import Path

from docutils.core import publish_doctree
from docutils.utils import Reporter

from odoo.tests import TransactionCase, tagged

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "docs_dictionary.py"
_spec = importlib.util.spec_from_file_location("docs_dictionary", SCRIPT)
docs_dictionary = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_dictionary)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestDocsDictionary(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        docs_dictionary.load_terms(cls.env)
        cls.models = docs_dictionary.build_dictionary(cls.env)

    def _field_record(self, model, name):
        return self.env["ir.model.fields"]._get(model, name)

    def test_every_field_documented_in_indonesian(self):
        problems = docs_dictionary.undocumented_fields(self.env, self.models)
        self.assertEqual(
            problems,
            [],
            "fields of the addon without help=, or without their translation in i18n/id.po",
        )
        listed = {(m["model"], f["name"]) for m in self.models for f in m["fields"]}
        for rec in docs_dictionary.addon_field_records(self.env):
            self.assertIn((rec.model, rec.name), listed)
        # the addon's own models and the Odoo models it extends are both there
        names = {m["model"] for m in self.models}
        self.assertTrue({"helpdesk.ticket.round", "helpdesk.ticket", "res.users"} <= names)

    def test_check_finds_what_is_missing(self):
        """The check reports a field left out, a help removed, a help left in English."""
        left_out = self._field_record("helpdesk.ticket.round", "number")
        no_help = self._field_record("helpdesk.ticket.round", "answer_date")
        english = self._field_record("ekonsultasi.lembar", "fingerprint")
        self.assertTrue(left_out and no_help and english)
        self.env.cr.execute("UPDATE ir_model_fields SET help = NULL WHERE id = %s", [no_help.id])
        self.env.cr.execute(
            "UPDATE ir_model_fields SET help = jsonb_build_object('en_US', help->>'en_US', "
            "'id_ID', help->>'en_US') WHERE id = %s",
            [english.id],
        )
        self.env.invalidate_all()
        models = docs_dictionary.build_dictionary(self.env)
        for model in models:
            model["fields"] = [
                f
                for f in model["fields"]
                if (model["model"], f["name"]) != ("helpdesk.ticket.round", "number")
            ]
        problems = docs_dictionary.undocumented_fields(self.env, models)
        self.assertEqual(
            sorted(problems),
            [
                ("ekonsultasi.lembar", "fingerprint", "help not translated to Bahasa Indonesia"),
                ("helpdesk.ticket.round", "answer_date", "no help"),
                ("helpdesk.ticket.round", "number", "missing from the dictionary"),
            ],
        )

    def test_rendered_rst(self):
        """One table per model, in Indonesian, valid reST (no docutils warning)."""
        text = docs_dictionary.render_rst(self.models)
        warnings = []
        doctree = publish_doctree(
            text,
            settings_overrides={"report_level": Reporter.SEVERE_LEVEL + 1, "halt_level": 5},
        )
        for msg in doctree.findall(lambda n: n.tagname == "system_message"):
            if msg["level"] >= Reporter.WARNING_LEVEL:
                warnings.append(msg.astext())
        self.assertEqual(warnings, [])
        self.assertEqual(text.count(".. list-table:: Bidang"), len(self.models))
        round_field = self._field_record("helpdesk.ticket.round", "answer_date")
        self.assertTrue(round_field)
        help_id = round_field.with_context(lang="id_ID").help
        self.assertNotEqual(help_id, round_field.with_context(lang="en_US").help)
        self.assertIn(" ".join(help_id.split())[:40].replace("_", "\\_").replace("*", "\\*"), text)
        self.assertIn("``helpdesk_ticket_round``", text)
        self.assertIn(docs_dictionary.MAGIC_FIELDS["create_uid"], text)

    def test_model_diagram(self):
        """The diagram's boxes are the models with a table, its arrows the
        addon's many2one fields between them."""
        dot = docs_dictionary.render_dot(self.models)
        self.assertTrue(dot.startswith("digraph ekonsultasi {"))
        self.assertIn('"helpdesk.ticket.round" -> "helpdesk.ticket" [label="ticket_id"];', dot)
        self.assertIn('"ekonsultasi.desa" -> "ekonsultasi.kecamatan" [label="kecamatan_id"];', dot)
        self.assertNotIn('"ekonsultasi.regional.mixin"', dot)  # abstract: no table
        self.assertNotIn('"ekonsultasi.recap.wizard"', dot)  # a wizard
        self.assertNotIn('"ekonsultasi.round.analysis"', dot)  # a report view
        self.assertNotIn('-> "res.company"', dot)
