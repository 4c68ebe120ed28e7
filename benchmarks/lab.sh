#!/usr/bin/env bash
# Measures the lab: cold `make lab` (lab removed first, image kept), a re-run on the running lab
# (must report zero changes), and the memory of the running lab (total RSS of every process in the
# lab containers, and the containers' cgroup memory). Prints numbers; asserts nothing about time.
# Note: it removes and recreates the lab of inventories/lab.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1
seconds() {
    local t0=$EPOCHREALTIME
    "$@" >/tmp/hobbynet-bench.log 2>&1 || { echo "FAILED: $* (see /tmp/hobbynet-bench.log)" >&2; exit 1; }
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

make lab-down >/dev/null 2>&1
cold=$(seconds make lab)
rerun=$(seconds make lab)
changed=$(grep -E '^\S+ +: ok=' /tmp/hobbynet-bench.log | grep -cv 'changed=0' || true)

rss_kib=0
mem_lines=""
for c in $(podman ps --filter label=org.hobbynet.lab=hobbynet- --format '{{.Names}}'); do
    c_kib=0
    for pid in $(podman top "$c" hpid | tail -n +2); do
        kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        c_kib=$((c_kib + ${kib:-0}))
    done
    rss_kib=$((rss_kib + c_kib))
    mem_lines+=$(printf '  %-14s RSS %6.1f MiB   cgroup %s\n' "$c" "$(echo "$c_kib" | awk '{ print $1 / 1024 }')" \
        "$(podman stats --no-stream --format '{{.MemUsage}}' "$c" | cut -d/ -f1)")$'\n'
done

printf 'make lab, cold (image cached):   %6s s\n' "$cold"
printf 'make lab, re-run:                %6s s   (plays with changes: %s)\n' "$rerun" "$changed"
printf 'running lab, total RSS:          %6.1f MiB\n' "$(echo "$rss_kib" | awk '{ print $1 / 1024 }')"
printf '%s' "$mem_lines"
