# Run through "odoo shell" (stdin) by scripts/demo.sh: Bahasa Indonesia for
# every user and every company partner of the demo database.
# pylint: disable=print-used  # odoo shell script: prints what it did
lang = "id_ID"
env["res.lang"]._activate_lang(lang)
env["res.users"].with_context(active_test=False).search([]).write({"lang": lang})
env["res.company"].search([]).partner_id.write({"lang": lang})
env.cr.commit()
print(f"demo: language {lang} set on all users and company partners")
