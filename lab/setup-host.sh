#!/usr/bin/env bash
# Prepare this machine to run the lab and the tests (idempotent, as root on Debian 12):
#   1. the Debian packages the lab needs (podman and friends, mmdebstrap, python3-venv; qemu for the
#      lab's VMs),
#   2. the podman host settings this machine kind requires (see docs/lab.md), with limits read
#      from the machine at run time,
#   3. the project virtualenv (.venv) with the pinned tools of requirements.txt,
#   4. a collections path (.cache/collections) that points at this checkout as hobbynet.infra.
# The other ansible-core lines the tests use come from tests/cores/setup.sh (`make cores`).
#
# Usage: setup-host.sh [--build-tools | --host | --vm | --venv]   (default: all of them, and the
#        test tools)
#   --build-tools  the few packages that building the lab image's root file system (mmdebstrap) and
#                  the virtualenv (python3-venv) need; lab/run.sh installs them first, then runs the
#                  three below at once, while the image's root file system is built
#   --host         steps 1 and 2: podman and the other packages the lab needs, its host settings
#   --vm           qemu and the disk tools for the lab's VM guests (molecule mdadm_lvmcache)
#   --venv         steps 3 and 4 (needs python3-venv)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

if [[ $(id -u) -ne 0 ]]; then
    echo "setup-host.sh: run as root (it installs Debian packages and writes /etc/containers)" >&2
    exit 1
fi

install_debian_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "installing Debian packages: ${missing[*]}"
        # lab/run.sh installs in two steps a few seconds apart: the second one skips `apt-get update`
        # when the package lists are minutes old, and updates only if the install then fails.
        if [[ -z $(find /var/cache/apt/pkgcache.bin -mmin -10 2>/dev/null) ]]; then
            apt-get update -q
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || {
            apt-get update -q
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
        }
    fi
}

# What lab/image/build.sh's mmdebstrap and venv_setup need, before the rest of host_setup.
build_tools_setup() {
    install_debian_packages mmdebstrap python3 python3-venv
}

# ansible-test sanity needs shellcheck (without it, its shellcheck test is skipped, not failed).
test_tools_setup() {
    install_debian_packages shellcheck
}

# The lab's VM guests (lab/vm/build.sh, lab/tools/lab_vm.py), for the roles that need a real
# kernel: only the molecule scenario mdadm_lvmcache uses them, so `make lab` does not wait for qemu.
vm_setup() {
    install_debian_packages qemu-system-x86 qemu-utils gdisk e2fsprogs openssh-client
}

host_setup() {
    install_debian_packages podman runc conmon netavark aardvark-dns iptables uidmap slirp4netns \
        fuse-overlayfs catatonit mmdebstrap python3 python3-venv git make iproute2 nftables

    # Podman on this machine kind: runc (crun fails in hybrid cgroup mode), cgroupfs, file events, and
    # default ulimits no higher than the hard limits the VM grants (it withholds CAP_SYS_RESOURCE).
    nofile=$(ulimit -Hn)
    nproc=$(ulimit -Hu)
    pid_max=$(cat /proc/sys/kernel/pid_max)
    [[ $nofile == unlimited ]] && nofile=1048576
    if [[ $nproc == unlimited ]] || ((nproc > pid_max)); then nproc=$pid_max; fi
    conf=/etc/containers/containers.conf.d/hobbynet-lab.conf
    mkdir -p "$(dirname "$conf")"
    want=$(cat <<CONF
# Written by hobbynet.infra lab/setup-host.sh; values read from this machine.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    )
    if [[ ! -f $conf || $(cat "$conf") != "$want" ]]; then
        printf '%s\n' "$want" >"$conf"
        echo "wrote $conf"
    fi

    # inotify instances are counted per user, and every container's root is this machine's root:
    # each systemd takes a few, each wireguard-go one (its UAPI socket). The default 128 runs out
    # with two 11-host labs up at once (`make lab` beside `make test`): wireguard-go then fails
    # with "too many open files" and its tunnel does not start. Raised, never lowered.
    sysctl_conf=/etc/sysctl.d/60-hobbynet-lab.conf
    want_sysctl="# Written by hobbynet.infra lab/setup-host.sh: room for the lab's containers.
fs.inotify.max_user_instances = 1024"
    if [[ ! -f $sysctl_conf || $(cat "$sysctl_conf") != "$want_sysctl" ]]; then
        printf '%s\n' "$want_sysctl" >"$sysctl_conf"
        echo "wrote $sysctl_conf"
    fi
    if (($(cat /proc/sys/fs/inotify/max_user_instances) < 1024)); then
        sysctl -q -w fs.inotify.max_user_instances=1024
    fi
}

venv_setup() {
    # The virtualenv: Debian's python3, the pinned tools. Reinstalled only when requirements change.
    # A .venv made by another Python (pyenv, a removed interpreter) is rebuilt.
    if [[ ! -x .venv/bin/python ]] || ! grep -qx 'home = /usr/bin' .venv/pyvenv.cfg 2>/dev/null; then
        /usr/bin/python3 -m venv --clear .venv
        rm -f .venv/.requirements.sha256
    fi
    stamp=.venv/.requirements.sha256
    if [[ ! -f $stamp ]] || ! sha256sum --quiet -c "$stamp" 2>/dev/null; then
        echo "installing pinned Python tools into .venv"
        # --no-compile: byte-compiling the ~20k files of the ansible package took 16 of 39 s on a fresh
        # machine; Python compiles (and caches) the few modules a run imports, on first use.
        .venv/bin/pip install --quiet --no-compile --disable-pip-version-check -r requirements.txt
        sha256sum requirements.txt >"$stamp"
    fi

    # molecule and ansible find this checkout as the collection hobbynet.infra through this path.
    mkdir -p .cache/collections/ansible_collections/hobbynet
    ln -sfn ../../../.. .cache/collections/ansible_collections/hobbynet/infra
}

case ${1:-} in
    '') host_setup; vm_setup; test_tools_setup; venv_setup ;;
    --build-tools) build_tools_setup ;;
    --host) host_setup ;;
    --vm) vm_setup ;;
    --venv) venv_setup ;;
    *) echo "usage: setup-host.sh [--build-tools | --host | --vm | --venv]" >&2; exit 2 ;;
esac
echo "setup${1:+ $1}: ok"
