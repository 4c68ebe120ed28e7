#!/usr/bin/env bash
# Integration test of the hobbynet.infra filter plugins through Ansible:
# runs test_filters.yml, then checks `ansible-doc -t filter` for every filter.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
if [[ -x "$repo/.venv/bin/ansible-playbook" ]]; then
    bin="$repo/.venv/bin"
elif command -v ansible-playbook >/dev/null; then
    bin="$(dirname "$(command -v ansible-playbook)")"
else
    echo "run.sh: ansible-playbook not found: create $repo/.venv or put it on PATH" >&2
    exit 2
fi

# The checkout is the collection; Ansible finds it through this symlink tree.
collections="$repo/.cache/collections"
link="$collections/ansible_collections/hobbynet/infra"
if [[ ! -e "$link" ]]; then
    mkdir -p "$(dirname "$link")"
    ln -sfn ../../../.. "$link"
fi
if [[ "$(cd "$link" && pwd -P)" != "$(cd "$repo" && pwd -P)" ]]; then
    echo "run.sh: $link does not point to $repo" >&2
    exit 1
fi
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}"

cd "$here"
# The failure-path tasks print expected red errors; keep the log quiet unless
# something fails or VERBOSE=1 is set.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
play=("$bin/ansible-playbook" -i inventory.yml --vault-password-file vault-pass.txt
      test_filters.yml "$@")
if [[ "${VERBOSE:-0}" == 1 ]]; then
    "${play[@]}"
elif "${play[@]}" >"$log" 2>&1; then
    sed -n '/^PLAY RECAP/,$p' "$log"
    echo "test_filters.yml: ok ($(grep -c '^TASK ' "$log") tasks; expected failures are checked)"
else
    cat "$log"
    echo "test_filters.yml: FAILED" >&2
    exit 1
fi

filters=(mesh_plan mesh_peers ospf_cost geo_rtt_ms wg_keypair wg_pubkey wg_psk
         pdns_zones pdns_zones_plan pdns_lua_check_program pdns_api_key_hash
         site_prefixes site_address ipv4_int router_ids site_prefix_conflicts private_key_conflicts)
failed=0
for f in "${filters[@]}"; do
    if out="$("$bin/ansible-doc" -t filter "hobbynet.infra.$f" 2>&1)" \
        && grep -q "hobbynet.infra.$f" <<<"$out" && grep -q "EXAMPLES" <<<"$out" \
        && ! grep -q '^\[ERROR\]' <<<"$out" && ! grep -q "WARNING.*hobbynet" <<<"$out"; then
        echo "ansible-doc -t filter hobbynet.infra.$f: ok"
    else
        echo "ansible-doc -t filter hobbynet.infra.$f: FAILED" >&2
        echo "$out" >&2
        failed=1
    fi
done
listed="$("$bin/ansible-doc" -t filter -l hobbynet.infra 2>&1)"
for f in "${filters[@]}"; do
    grep -q "^hobbynet.infra.$f " <<<"$listed" || { echo "not listed: hobbynet.infra.$f" >&2; failed=1; }
done
exit "$failed"
