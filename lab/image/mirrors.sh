# shellcheck shell=bash
# Sourced by the lab's image builds (lab/image/build.sh, lab/vm/build.sh): sets `mirrors` to the
# host's own Debian mirror list, never a hard-coded host: the deb822 *.sources files signed by the
# Debian archive keyring, and the main sources.list. Third-party repositories are left out (the lab
# needs none, and they may not be reachable). Sets `suite` to the host's release.
mirrors=()
for f in /etc/apt/sources.list.d/*.sources; do
    [[ -s $f ]] && grep -q 'debian-archive-keyring' "$f" && mirrors+=("$f")
done
if [[ -s /etc/apt/sources.list ]] && grep -qE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    mirrors+=(/etc/apt/sources.list)
fi
if ((${#mirrors[@]} == 0)); then
    echo "no apt sources found under /etc/apt on this machine; cannot build a lab image" >&2
    exit 1
fi
# shellcheck disable=SC1091,SC2034  # (suite is used by the scripts that source this file)
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")
