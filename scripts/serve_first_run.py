# Run by scripts/serve.sh in "odoo shell" once, on a new production database:
# the administrator's password (generated, given in ADMIN_PASSWORD), and
# Bahasa Indonesia as the language of the administrator, of the company and
# of the database (what visitors not logged in read).
import os

lang = "id_ID"
env["res.lang"]._activate_lang(lang)  # noqa: F821 (odoo shell's env)
env["ir.default"].set("res.partner", "lang", lang)  # noqa: F821
admin = env.ref("base.user_admin")  # noqa: F821
admin.write({"password": os.environ["ADMIN_PASSWORD"], "lang": lang, "tz": "Asia/Jakarta"})
env["res.company"].search([]).partner_id.write({"lang": lang})  # noqa: F821
env.cr.commit()  # noqa: F821
