#!/usr/bin/env bash
# Measures `make lab` as on a fresh machine of this kind (issue 11's cold target, 3 min): removes
# the lab, its image, .venv, .cache, /var/cache/hobbynet-lab (the VM images too) and the pip cache,
# purges the Debian packages lab/setup-host.sh --build-tools and --host install (with the
# dependencies only they pulled in) and empties apt's package cache, then times `make lab`.
# Debian's python3, git and make stay, as on a new machine of this kind. Prints the step times.
#
# It changes this machine: `make setup` (or `make test`) installs what it removed again, and the
# VM scenario rebuilds its guest image (2-3 min). So it runs only with --purge-this-machine, and is
# not part of `make bench`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ${1:-} != --purge-this-machine ]]; then
    echo "usage: benchmarks/fresh_lab.sh --purge-this-machine   (read the header first)" >&2
    exit 2
fi

make lab-down >/dev/null 2>&1 || true
podman images --format '{{.Repository}}:{{.Tag}}' --filter reference=localhost/hobbynet-lab \
    | xargs -r podman rmi >/dev/null
rm -rf .venv .cache /var/cache/hobbynet-lab /run/hobbynet-lab/lab_podman "$HOME/.cache/pip"
# What setup-host.sh --build-tools and --host install (python3, git, make and iproute2 excepted).
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q --autoremove podman runc conmon netavark \
    aardvark-dns uidmap slirp4netns fuse-overlayfs catatonit mmdebstrap python3-venv shellcheck \
    nftables >/dev/null
apt-get clean
rm -f /etc/containers/containers.conf.d/hobbynet-lab.conf /etc/sysctl.d/60-hobbynet-lab.conf
if command -v podman >/dev/null || command -v mmdebstrap >/dev/null; then
    echo "fresh_lab.sh: podman or mmdebstrap is still installed" >&2
    exit 1
fi

log=/tmp/hobbynet-fresh-lab.log
t0=$EPOCHREALTIME
PIP_NO_CACHE_DIR=1 ANSIBLE_FORCE_COLOR=0 make lab >"$log" 2>&1 || {
    echo "FAILED: make lab (see $log)" >&2
    exit 1
}
grep '==>' "$log" | sed 's/\x1b\[[0-9;]*m//g'
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "make lab on a fresh machine: %.1f s\n", b - a }'
