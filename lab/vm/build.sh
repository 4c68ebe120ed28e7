#!/usr/bin/env bash
# Build the lab's VM guest image (for roles that need a real kernel: md, device-mapper), from
# Debian packages only: the packages of packages.txt from the host's own mirrors (mmdebstrap), an
# ext4 root made with `mkfs.ext4 -d` (no loop device, no mount), a GPT disk with a BIOS boot
# partition, and one first boot under qemu in which the guest installs GRUB on its own disk. From
# then on a guest boots through its own boot loader, so the initramfs its update-initramfs writes is
# the one the next boot runs (a host-supplied initrd would hide a missing mdadm.conf).
#
# The image lives in $LAB_VM_CACHE/<recipe hash>/ (disk.qcow2 and the SSH key pair that reaches
# root in it, 0600), and `current` links to the newest; rebuilt only when the recipe changes
# (this script, packages.txt, lab/image/mirrors.sh, the host's apt sources).
#
# Usage: build.sh [--print-dir]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${LAB_VM_CACHE:-/var/cache/hobbynet-lab/vm}
# The root filesystem's size (sparse; the packages take about 1 GiB).
root_size_mib=3072

# shellcheck source=lab/image/mirrors.sh
. "$top/lab/image/mirrors.sh"

recipe_hash=$(cat "$here/build.sh" "$here/packages.txt" "$top/lab/image/mirrors.sh" "${mirrors[@]}" \
    | sha256sum | cut -c1-12)
out=$cache/$recipe_hash
if [[ ${1:-} == --print-dir ]]; then
    echo "$out"
    exit 0
fi

if [[ -s $out/disk.qcow2 ]]; then
    echo "lab VM image $out is up to date"
else
    for tool in qemu-system-x86_64 qemu-img sgdisk mkfs.ext4 mmdebstrap ssh-keygen; do
        command -v "$tool" >/dev/null || { echo "build.sh: $tool missing (make setup installs it)" >&2; exit 1; }
    done
    mkdir -p "$cache"
    work=$(mktemp -d "$cache/build.XXXXXX")
    # mmdebstrap mounts /proc and /sys in the root while it runs: an interrupted build leaves them,
    # so they are unmounted before anything is removed, and rm never crosses into another mount.
    cleanup() {
        { findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r umount -l; } || true
        rm -rf --one-file-system "$work"
    }
    trap cleanup EXIT
    started=$EPOCHSECONDS
    packages=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/packages.txt" | grep . | paste -sd, -)
    ssh-keygen -q -t ed25519 -N '' -C "hobbynet lab VM $recipe_hash" -f "$work/id_ed25519"
    root_uuid=$(cat /proc/sys/kernel/random/uuid)

    echo "building lab VM image $out from ${mirrors[*]} ($suite)"
    # Hooks: GRUB's package must not look for a disk in the chroot; the guest reaches nothing but
    # its DHCP server (qemu's user network); root logs in with the image's key only; the serial
    # console is the log; MODULES=dep keeps update-initramfs at about 2 min under emulation (17 min
    # with the default `most`), and is right for a guest that only ever runs on this virtual board.
    # shellcheck disable=SC2016  # the hooks' $1 is for mmdebstrap's shell, not this one
    mmdebstrap --quiet --variant=minbase --include="$packages" \
        --essential-hook='printf "%s\n" "grub-pc grub-pc/install_devices multiselect" "grub-pc grub-pc/install_devices_empty boolean true" | chroot "$1" debconf-set-selections' \
        --customize-hook="printf 'UUID=$root_uuid / ext4 errors=remount-ro 0 1\n' > \"\$1/etc/fstab\"" \
        --customize-hook='echo hobbynet-vm > "$1/etc/hostname"' \
        --customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 hobbynet-vm\n" > "$1/etc/hosts"' \
        --customize-hook="mkdir -m 0700 -p \"\$1/root/.ssh\" && install -m 0600 '$work/id_ed25519.pub' \"\$1/root/.ssh/authorized_keys\"" \
        --customize-hook='printf "[Match]\nName=e*\n\n[Network]\nDHCP=yes\n" > "$1/etc/systemd/network/50-lab.network"' \
        --customize-hook='chroot "$1" systemctl enable systemd-networkd ssh' \
        --customize-hook='chroot "$1" systemctl disable prometheus-node-exporter' \
        --customize-hook='printf "GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX=\"console=ttyS0,115200\"\nGRUB_TERMINAL=serial\nGRUB_DISABLE_OS_PROBER=true\n" > "$1/etc/default/grub.d/hobbynet-lab.cfg"' \
        --customize-hook='echo MODULES=dep > "$1/etc/initramfs-tools/conf.d/hobbynet-lab"' \
        --customize-hook='rm -f "$1/etc/machine-id" && : > "$1/etc/machine-id"' \
        "$suite" "$work/root" "${mirrors[@]}"

    mkfs.ext4 -q -F -U "$root_uuid" -L hn-root -d "$work/root" "$work/root.ext4" "${root_size_mib}M"
    # GPT: 1 MiB BIOS boot partition for GRUB's core image at sector 2048, the root after it.
    disk=$work/disk.raw
    truncate -s $(((root_size_mib + 4) * 1048576)) "$disk"
    sgdisk -n 1:2048:4095 -t 1:EF02 -c 1:bios-boot \
        -n "2:4096:+${root_size_mib}M" -t 2:8300 -c 2:root "$disk" >/dev/null
    dd if="$work/root.ext4" of="$disk" bs=1M seek=2 conv=notrunc,sparse status=none
    rm "$work/root.ext4"

    # First boot, with the kernel and initrd of the root: install GRUB on the guest's own disk.
    kernel=$(find "$work/root/boot" -name 'vmlinuz-*' | sort | tail -1)
    initrd=$(find "$work/root/boot" -name 'initrd.img-*' | sort | tail -1)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 "$top/lab/tools/lab_vm.py" boot-raw --state "$work/boot" --disk "$disk" --port "$port" \
        --kernel "$kernel" --initrd "$initrd" --key "$work/id_ed25519" \
        --append "root=UUID=$root_uuid ro console=ttyS0,115200" \
        --run 'grub-install --target=i386-pc /dev/vda 2>&1 && update-grub 2>&1'
    rm -rf "$work/root"

    mkdir -p "$out.tmp"
    qemu-img convert -O qcow2 "$disk" "$out.tmp/disk.qcow2"
    install -m 0600 "$work/id_ed25519" "$out.tmp/id_ed25519"
    install -m 0644 "$work/id_ed25519.pub" "$out.tmp/id_ed25519.pub"
    mv "$out.tmp" "$out"
    echo "built $out in $((EPOCHSECONDS - started)) s"
fi
ln -sfn "$recipe_hash" "$cache/current"

# Drop older builds (only this cache's recipe-hash directories; a running guest keeps its overlay's
# backing file open, and a deleted file stays readable until it exits).
find "$cache" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{12}' \
    ! -name "$recipe_hash" -exec rm -rf --one-file-system {} +
echo "$out"
