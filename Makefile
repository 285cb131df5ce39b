# Developer harness. First time (Odoo not installed yet):
#   ODOO_SOURCE=/path/to/odoo-18.0 make demo      # or make test
# then: make demo | make test [FRESH=1] [PYTEST_ARGS="-k nip"] | make bench | make stop | make clean-state
SHELL := /bin/bash
PYTEST_ARGS ?=

.PHONY: demo test bench serve stop clean-state

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh $(PYTEST_ARGS)

serve:
	bash scripts/serve.sh run

bench:
	bash bench/run.sh

stop:
	bash scripts/stop.sh

clean-state: stop
	rm -rf .state
	@echo "removed .state (PostgreSQL cluster, databases, filestore, odoo.conf)"
