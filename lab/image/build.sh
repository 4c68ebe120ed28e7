#!/usr/bin/env bash
# Build the lab base image: Debian (the host's own release and mirrors), systemd as PID 1, and every
# package the roles need baked in (lab networks cannot reach a mirror). The image is tagged with a
# hash of its recipe — this script, packages.txt, services-disabled.txt and the host's apt sources —
# and rebuilt only when that hash has no image yet. The newest build is also tagged ":current",
# which is what the lab inventory and molecule scenarios run.
#
# Usage: build.sh [--print-tag]    (env LAB_IMAGE overrides the repository name)
# LAB_IMAGE_IMPORT_AFTER=PID: podman may not be installed yet. Build the root file system anyway,
# and import it once process PID has ended. lab/run.sh passes the `setup-host.sh --host` job that
# installs podman, so on a fresh machine the build overlaps that install.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=${LAB_IMAGE:-localhost/hobbynet-lab}

# shellcheck source=lab/image/mirrors.sh
. "$here/mirrors.sh"

recipe_hash=$(cat "$here/build.sh" "$here/mirrors.sh" "$here/packages.txt" "$here/services-disabled.txt" "${mirrors[@]}" \
    | sha256sum | cut -c1-12)
tag="$repo:$recipe_hash"
if [[ ${1:-} == --print-tag ]]; then
    echo "$tag"
    exit 0
fi

# The import waits for podman when LAB_IMAGE_IMPORT_AFTER names the process installing it. mmdebstrap
# writes its tar stream only at its end, so the pipe holds nothing while it waits.
import_image() {
    if [[ -n ${LAB_IMAGE_IMPORT_AFTER:-} ]]; then
        tail --pid="$LAB_IMAGE_IMPORT_AFTER" -f /dev/null
        if ! command -v podman >/dev/null; then
            echo "build.sh: podman is not installed (see the setup output above)" >&2
            return 1
        fi
    fi
    podman import --quiet \
        --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' \
        --change "LABEL org.hobbynet.lab.recipe=$recipe_hash" \
        - "$tag" >/dev/null
}

# Without podman (yet), no image of this recipe can be there: build it.
if command -v podman >/dev/null && podman image exists "$tag"; then
    echo "lab image $tag is up to date"
else
    packages=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/packages.txt" | grep . | paste -sd, -)
    units=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/services-disabled.txt" | grep . | paste -sd' ' -)
    echo "building lab image $tag from ${mirrors[*]} ($suite)"
    # --skip=cleanup/apt/lists keeps the package lists so apt inside the lab can resolve what is
    # installed. machine-id is emptied so every container gets its own.
    mmdebstrap --quiet --variant=minbase --include="$packages" \
        --skip=cleanup/apt/lists \
        --customize-hook="chroot \"\$1\" systemctl disable $units" \
        --customize-hook="rm -f \"\$1/etc/machine-id\" && : > \"\$1/etc/machine-id\"" \
        "$suite" - "${mirrors[@]}" \
        | import_image
fi
if [[ -n ${LAB_IMAGE_IMPORT_AFTER:-} ]]; then
    tail --pid="$LAB_IMAGE_IMPORT_AFTER" -f /dev/null  # podman's settings are written by then too
fi
podman tag "$tag" "$repo:current"

# Drop older builds of this image (only ours: same repository, other recipe hashes).
podman images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$repo" \
    | grep -vxF -e "$tag" -e "$repo:current" | xargs -r podman rmi 2>/dev/null || true  # in use: kept
echo "$tag"
