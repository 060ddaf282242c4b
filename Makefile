# telephony.freeswitch_ha: everything a developer or CI runs.
#   make test   lint, sanity, unit and preflight tests, every Molecule scenario
#   make lab    bring up the lab and deploy site.yml into it
# Both do their own set-up (virtualenv, Docker engine, base images) on a fresh
# Debian machine as root.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build/collections
export NO_COLOR := 1
LAB_INVENTORY ?= inventories/lab
LAB_SECRETS := build/lab-secrets.yml
COLLECTION_LINK := build/collections/ansible_collections/telephony/freeswitch_ha
SCENARIOS := $(sort $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))
# Scenarios that install the lab's FreeSWITCH package (make freeswitch-repo),
# longest first: make test starts them in that order once the package exists.
FREESWITCH_SCENARIOS := site freeswitch
# make test's jobs running at once (tools/test_phases.py).
TEST_LANES ?= 2

.PHONY: help venv collection-link lint yamllint ansible-lint sanity unit molecule test \
        engine images freeswitch-repo lab lab-up lab-down lab-secrets bench bench-fs-build bench-fs bench-plan bench-lab bench-site bench-edge bench-vip bench-db bench-storage build docs galaxy

help:
	@echo "make test | lint | sanity | unit | molecule | lab | lab-down | bench | bench-plan | build"

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

# Ansible finds this collection through a symlink tree (ansible.cfg).
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

collection-link: $(COLLECTION_LINK)

yamllint: venv
	yamllint --strict .

ansible-lint: venv collection-link
	ansible-lint --offline --profile production

lint: yamllint ansible-lint

sanity: venv
	tools/sanity.sh

unit: venv collection-link
	pytest -q -p no:cacheprovider tests/unit tests/lab tests/preflight

engine: venv
	$(BIN)/python tools/lab.py engine

images: engine
	$(BIN)/python tools/lab.py image bookworm

# FreeSWITCH built once from the pinned sources (../shared/vendor/freeswitch-src
# when present) with the freeswitch role's source method, packed, and
# published as the lab's apt repository in build/freeswitch-repo; reused while
# its inputs are unchanged (FORCE=1 builds anyway).
freeswitch-repo: venv collection-link images
	$(BIN)/python tools/freeswitch_build.py $(if $(FORCE),--force)

molecule: venv collection-link images lab-secrets freeswitch-repo
	@if [ -z "$(SCENARIOS)" ]; then echo "molecule: no scenarios found" >&2; exit 1; fi
	@for s in $(SCENARIOS); do \
	  echo "=== molecule scenario $$s"; start=$$(date +%s); \
	  molecule test -s $$s || exit 1; \
	  echo "=== molecule scenario $$s passed in $$(( $$(date +%s) - start )) s"; \
	done

# galaxy first and alone, then the static checks (lint, sanity, unit) and
# every scenario in TEST_LANES lanes while the FreeSWITCH package builds (or is
# reused); the FreeSWITCH scenarios start once it exists. Each phase's log is in
# build/test-logs/; phase times are printed at the end and in
# build/test-phases.json.
test: venv collection-link images lab-secrets
	@if [ -z "$(SCENARIOS)" ]; then echo "test: no Molecule scenarios found" >&2; exit 1; fi
	$(BIN)/python tools/test_phases.py --lanes $(TEST_LANES) --scenarios $(SCENARIOS) --freeswitch-scenarios $(FREESWITCH_SCENARIOS)

# Lab secrets are generated once per checkout, never committed; a name added
# later is appended to an existing file, the others are kept.
lab-secrets: | venv
	$(BIN)/python tools/lab_secrets.py $(LAB_SECRETS)

# The lab's FreeSWITCH hosts mount the package repository (make freeswitch-repo).
lab-up: venv collection-link freeswitch-repo
	$(BIN)/python tools/lab.py up -i $(LAB_INVENTORY) --record

lab: lab-up lab-secrets
	ansible-playbook -i $(LAB_INVENTORY) -e @$(LAB_SECRETS) molecule/site/prepare.yml
	ansible-playbook -i $(LAB_INVENTORY) -e @$(LAB_SECRETS) site.yml
	ansible-playbook -i $(LAB_INVENTORY) -e @$(LAB_SECRETS) playbooks/verify.yml
	ansible-playbook -i $(LAB_INVENTORY) -e @$(LAB_SECRETS) playbooks/summary.yml

# docs/topology.svg: the lab inventory's diagram, drawn from its plan.
docs: venv collection-link lab-secrets
	ansible-playbook -i $(LAB_INVENTORY) -e @$(LAB_SECRETS) -e freeswitch_ha_report_dir=$(CURDIR)/docs playbooks/summary.yml

lab-down: venv
	$(BIN)/python tools/lab.py down -i $(LAB_INVENTORY) --stop-engine

bench-plan: venv
	$(BIN)/python tools/bench_plan.py

bench-lab: venv
	$(BIN)/python tools/lab.py down -i $(LAB_INVENTORY)
	docker image rm -f fsha/debian:bookworm >/dev/null 2>&1 || true
	$(BIN)/python tools/lab.py up -i $(LAB_INVENTORY) --record
	$(BIN)/python tools/lab.py down -i $(LAB_INVENTORY)
	$(BIN)/python tools/lab.py up -i $(LAB_INVENTORY) --record

# The whole lab: converge first and re-run (changed tasks), then drill.yml.
bench-site: venv collection-link images lab-secrets freeswitch-repo
	$(BIN)/python tools/bench_site.py

# The SIP edge's drills and throughput runs (its own scenario, ~10 min).
bench-edge: venv collection-link images lab-secrets
	$(BIN)/python tools/bench_edge.py

# VIP failover and a 5-minute no-flap window on the keepalived scenario.
bench-vip: venv collection-link images lab-secrets
	molecule create -s keepalived && molecule converge -s keepalived
	$(BIN)/python tools/bench_vip.py --window 300 --kills 5; rc=$$?; molecule destroy -s keepalived; exit $$rc

# The database drills: point-in-time restore, hard kill and failback,
# partition, WAL bound. make test runs each of these once at small scale,
# split between the two db scenarios; the bench runs every one on both
# engines (pglogical on Debian 12, native on Debian 13), after the side
# effect has joined each third node; a failed scenario skips only its own.
DB_DRILLS := backup_drill db_drill partition_drill slot_drill
DB_SCENARIOS := db_bookworm db_trixie
bench-db: venv collection-link images lab-secrets
	rc=0; for s in $(DB_SCENARIOS); do \
	  if molecule create -s $$s && molecule converge -s $$s && molecule side-effect -s $$s; then \
	    for drill in $(DB_DRILLS); do \
	      $(BIN)/python tools/$$drill.py -i molecule/$$s/inventory -i molecule/$$s/join/hosts.yml --record || rc=1; \
	    done; \
	  else rc=1; fi; molecule destroy -s $$s; \
	done; exit $$rc

# The storage kill and freeze drills on the storage scenario.
bench-storage: venv collection-link images lab-secrets
	molecule create -s storage && molecule converge -s storage
	$(BIN)/python tools/storage_drill.py --inventory molecule/storage/inventory; rc=$$?; molecule destroy -s storage; exit $$rc

# The FreeSWITCH package: the cold path (fs.build_cold_s), then reused (fs.build_reuse_s).
bench-fs-build: venv collection-link images
	$(BIN)/python tools/freeswitch_build.py --force --record
	$(BIN)/python tools/freeswitch_build.py --record

# Calls answered by FreeSWITCH, its direct rate and its database writes (the freeswitch scenario).
bench-fs: venv collection-link images lab-secrets freeswitch-repo
	$(BIN)/python tools/bench_fs.py

bench: bench-plan bench-lab bench-fs-build bench-fs bench-site bench-db bench-storage bench-edge bench-vip
	$(BIN)/python tools/benchreport.py

build: venv
	ansible-galaxy collection build --force --output-path build/dist

# Galaxy's own importer on the built tarball (build/galaxy/: the tarball,
# importer.log, importer_result.json), with its ansible-lint run, offline.
# galaxy-importer gets its own virtualenv (it pins an older attrs than the
# toolchain's), holding the ansible package requirements.txt pins: its
# bundled collections are the dependencies lint resolves, as Galaxy is not
# reachable. Any warning or error in the importer's log fails the target.
GALAXY_VENV := $(CURDIR)/build/galaxy-venv
GALAXY_IMPORTER := galaxy-importer==0.4.44

$(GALAXY_VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(GALAXY_VENV)
	$(GALAXY_VENV)/bin/pip install --quiet $(GALAXY_IMPORTER) $$(grep -E '^ansible==' requirements.txt)
	touch $@

# antsibull-docs (its own virtualenv too, with the ansible-core pin: it
# calls ansible-doc) lints the documentation of the installed tarball:
# markup, and every reference to a plugin or role of this collection and of
# the collections it depends on (the ansible package's copies).
DOCS_VENV := $(CURDIR)/build/docs-venv
ANTSIBULL_DOCS := antsibull-docs==2.28.0

$(DOCS_VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/pip install --quiet $(ANTSIBULL_DOCS) $$(grep -E '^ansible-core==' requirements.txt)
	touch $@

# Then tools/install_check.py installs the tarball into a fresh virtualenv of
# only what it declares and runs the preflight on the example inventory.
galaxy: venv $(GALAXY_VENV)/.installed $(DOCS_VENV)/.installed
	rm -rf build/galaxy
	ansible-galaxy collection build --force --output-path build/galaxy
	cd build/galaxy && env -u ANSIBLE_CONFIG -u ANSIBLE_COLLECTIONS_PATH PATH=$(GALAXY_VENV)/bin:/usr/bin:/bin \
	  GALAXY_IMPORTER_RUN_ANSIBLE_LINT=true GALAXY_IMPORTER_OFFLINE_ANSIBLE_LINT=true GALAXY_IMPORTER_RUN_ANSIBLE_TEST=false \
	  $(GALAXY_VENV)/bin/python -m galaxy_importer.main telephony-freeswitch_ha-*.tar.gz | tee importer.log
	@if grep -E '^(WARNING|ERROR)' build/galaxy/importer.log; then \
	  echo "galaxy: the importer warned (build/galaxy/importer.log)" >&2; exit 1; fi
	env -u ANSIBLE_CONFIG -u ANSIBLE_COLLECTIONS_PATH ansible-galaxy collection install --force --no-deps \
	  -p build/galaxy/collections build/galaxy/telephony-freeswitch_ha-*.tar.gz
	env -u ANSIBLE_CONFIG PATH=$(DOCS_VENV)/bin:/usr/bin:/bin \
	  ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/galaxy/collections:$$($(GALAXY_VENV)/bin/python -c 'import site; print(site.getsitepackages()[0])') \
	  $(DOCS_VENV)/bin/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
	  --disallow-unknown-collection-refs build/galaxy/collections/ansible_collections/telephony/freeswitch_ha
	$(BIN)/python tools/install_check.py build/galaxy/telephony-freeswitch_ha-*.tar.gz
