# hobbynet.infra — the two commands are `make lab` (deploy the whole stack to the bundled lab and
# print its health) and `make test` (everything CI runs). Both work as root on a fresh Debian 12.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.cache/collections
export ANSIBLE_FORCE_COLOR ?= $(if $(CI),0,1)
# Every directory under molecule/ that has a molecule.yml is a scenario.
SCENARIOS := $(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
LAB_IMAGE_REPO := localhost/hobbynet-lab

.PHONY: help setup cores image lab lab-down clean test lint unit sanity integration build molecule bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-12s %s\n", $$1, $$2 }'

setup:  ## install what the lab and tests need (Debian packages, podman settings, .venv)
	lab/setup-host.sh

cores: setup  ## the other ansible-core lines, and ansible-test's sanity virtualenvs (tests/cores/setup.sh)
	tests/cores/setup.sh

image: setup  ## build the lab image if its recipe changed
	lab/image/build.sh

lab:  ## set up, build, create the lab, run playbooks/site.yml, print the fleet's health
	lab/run.sh setup image up site health

lab-down:  ## remove the lab's containers and networks (keeps the image)
	@if [[ -x $(VENV)/bin/ansible-playbook ]]; then lab/run.sh down; else echo "no .venv: nothing was set up"; fi

clean: lab-down  ## also remove the lab image, the virtualenv and caches
	-podman images --format '{{.Repository}}:{{.Tag}}' --filter reference=$(LAB_IMAGE_REPO) | xargs -r podman rmi
	rm -rf .venv .cache "$${HOBBYNET_DEV_CACHE:-/var/cache/hobbynet-dev}" /var/cache/hobbynet-lab

test: image lint unit sanity integration build molecule  ## everything CI runs

lint: setup  ## yamllint, ansible-lint (production profile), ruff, role READMEs against their specs
	yamllint --strict .
	ansible-lint --profile production
	ruff check .
	ruff format --check .
	python tools/role_variables.py --check

unit: cores  ## unit tests of the plugins, on every ansible-core line of meta/runtime.yml
	tests/cores/unit.sh

sanity: cores  ## ansible-test sanity, offline, on every ansible-core line of meta/runtime.yml
	tests/sanity/run.sh

integration: setup  ## filters and modules through Ansible, ansible-doc for each plugin, the table of bad inputs
	tests/integration/filters/run.sh
	tests/integration/modules/run.sh
	tests/integration/bad_inputs/run.py

build: setup  ## build the collection artifact (no lab, test or inventory files); its EE metadata
	tests/build/check-artifact.sh
	tests/build/check-ee.sh

molecule: image  ## every molecule scenario: create, converge, idempotence, check, verify, destroy
	@for s in $(SCENARIOS); do echo "==> molecule test -s $$s"; molecule test -s $$s || exit 1; done

# lab.sh recreates the lab, so it runs first; the others need it running.
BENCHMARKS := benchmarks/lab.sh benchmarks/backbone.py benchmarks/dns.py benchmarks/anycast.py \
	benchmarks/bgp_fulltable.py benchmarks/live_costs.py benchmarks/poweradmin.py benchmarks/adsb.py \
	benchmarks/bird_scale.sh benchmarks/storage.py \
	benchmarks/mesh_plan_bench.py

bench: image  ## benchmarks on the lab (print numbers; never run by `make test`; see docs/benchmarks.md)
	@for b in $(BENCHMARKS); do echo "==> $$b"; "$$b"; done
	@if [[ -n "$${COMPARE_ROLE:-}" ]]; then echo "==> benchmarks/converge.py"; \
		benchmarks/converge.py --role "$$COMPARE_ROLE" --site; \
	else echo "==> benchmarks/converge.py: skipped (COMPARE_ROLE=<checkout of the compared role>)"; fi
