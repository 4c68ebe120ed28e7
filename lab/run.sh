#!/usr/bin/env bash
# Runs the lab's steps, announcing each with the time elapsed, so `make lab` shows where time goes.
# Usage: lab/run.sh STEP...   STEP is one of: setup image up site health down
# LAB_INVENTORY picks another lab inventory (default inventories/lab).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
export ANSIBLE_CONFIG="$top/ansible.cfg"
inventory=${LAB_INVENTORY:-inventories/lab}

start=$EPOCHREALTIME
step() {
    awk -v s="$start" -v n="$EPOCHREALTIME" -v m="$*" \
        'BEGIN { printf "\n\033[1m==> [%7.1fs] %s\033[0m\n", n - s, m }'
}
play() { finish_setup; .venv/bin/ansible-playbook -i "$inventory" "$@"; }

# With both setup and image asked for, setup installs only the image build's own tools first (one
# small apt-get), then installs podman and the rest of the host's packages, and the virtualenv, in
# the background while the image's root file system builds; build.sh imports it once podman is in.
# On a fresh machine each of the three takes 20-50 s and none needs another. Every later step waits
# for both jobs first.
host_job=''
venv_job=''
finish_job() {  # finish_job PID WHAT
    if [[ -n $1 ]] && ! wait "$1"; then
        echo "lab/run.sh: setup of the $2 failed (its output is above)" >&2
        exit 1
    fi
}
finish_setup() {
    finish_job "$host_job" "host's packages"
    finish_job "$venv_job" virtualenv
    host_job=''
    venv_job=''
}

for s in "$@"; do
    case $s in
        setup)  step "setup: Debian packages, podman host settings, .venv"
                if [[ " $* " == *" image "* ]]; then
                    lab/setup-host.sh --build-tools
                    lab/setup-host.sh --host & host_job=$!
                    lab/setup-host.sh --venv & venv_job=$!
                else
                    lab/setup-host.sh --host
                    lab/setup-host.sh --venv
                fi ;;
        image)  step "image: build the lab image if its recipe changed${host_job:+ (podman and .venv install meanwhile)}"
                LAB_IMAGE_IMPORT_AFTER=$host_job lab/image/build.sh; finish_setup ;;
        up)     step "up: create or converge the lab networks and containers"; play lab/playbooks/up.yml ;;
        site)   step "site: deploy playbooks/site.yml to the lab"; play playbooks/site.yml ;;
        health) step "health: the fleet's health"; play lab/playbooks/health.yml ;;
        down)   step "down: remove the lab containers and networks"; play lab/playbooks/down.yml ;;
        *) echo "lab/run.sh: unknown step '$s' (setup image up site health down)" >&2; exit 2 ;;
    esac
done
finish_setup
step "done: $*"
