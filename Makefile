# Developer harness. First time (Odoo not installed yet):
#   ODOO_SOURCE=/path/to/odoo-18.0 make demo      # or make test
# then: make demo | make test [FRESH=1] [PYTEST_ARGS="-k nip"] | make docs | make bench | make stop | make clean-state
#       make restore BACKUP=file.zip.gpg KEY=key_file [DB=name] [CONF=odoo.conf]  (default CONF: .state/odoo.conf)
SHELL := /bin/bash
PYTEST_ARGS ?=

.PHONY: demo test docs bench serve stop clean-state restore

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh $(PYTEST_ARGS)

docs:
	bash scripts/docs.sh

serve:
	bash scripts/serve.sh run

bench:
	bash bench/run.sh

stop:
	bash scripts/stop.sh

clean-state: stop
	rm -rf .state
	@echo "removed .state (PostgreSQL cluster, databases, filestore, odoo.conf)"

restore:
	@test -n "$(BACKUP)" -a -n "$(KEY)" || { echo "usage: make restore BACKUP=file.zip.gpg KEY=key_file [DB=name] [CONF=odoo.conf]"; exit 2; }
	bash scripts/restore.sh "$(BACKUP)" --key "$(KEY)" -c "$(or $(CONF),.state/odoo.conf)" $(if $(DB),-d "$(DB)")
