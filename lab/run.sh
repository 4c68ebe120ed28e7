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
play() { finish_venv; .venv/bin/ansible-playbook -i "$inventory" "$@"; }

# With both setup and image asked for, the virtualenv installs in the background while the image
# builds (each about half a minute on a fresh machine, and neither needs the other); every later
# step waits for it first.
venv_job=
finish_venv() {
    if [[ -n $venv_job ]]; then
        if ! wait "$venv_job"; then
            echo "lab/run.sh: setup of the virtualenv failed (its output is above)" >&2
            exit 1
        fi
        venv_job=
    fi
}

for s in "$@"; do
    case $s in
        setup)  step "setup: Debian packages, podman host settings, .venv"
                lab/setup-host.sh --host
                if [[ " $* " == *" image "* ]]; then
                    lab/setup-host.sh --venv & venv_job=$!
                else
                    lab/setup-host.sh --venv
                fi ;;
        image)  step "image: build the lab image if its recipe changed${venv_job:+ (.venv installs meanwhile)}"
                lab/image/build.sh; finish_venv ;;
        up)     step "up: create or converge the lab networks and containers"; play lab/playbooks/up.yml ;;
        site)   step "site: deploy playbooks/site.yml to the lab"; play playbooks/site.yml ;;
        health) step "health: the fleet's health"; play lab/playbooks/health.yml ;;
        down)   step "down: remove the lab containers and networks"; play lab/playbooks/down.yml ;;
        *) echo "lab/run.sh: unknown step '$s' (setup image up site health down)" >&2; exit 2 ;;
    esac
done
finish_venv
step "done: $*"
