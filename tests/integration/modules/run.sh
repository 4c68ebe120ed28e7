#!/usr/bin/env bash
# Integration test of the hobbynet.infra modules through Ansible, on this machine: runs
# test_modules.yml (file_set and dpkg_facts in a temporary directory), then checks
# `ansible-doc -t module` for every module. The modules that act on units and tunnels run for real
# in the molecule scenarios.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bin="$repo/.venv/bin"
[[ -x "$bin/ansible-playbook" ]] || { echo "run.sh: $bin/ansible-playbook not found (make setup)" >&2; exit 2; }
export ANSIBLE_COLLECTIONS_PATH="$repo/.cache/collections"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}"
[[ -e "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/hobbynet/infra" ]] \
    || { echo "run.sh: the collection is not linked into $ANSIBLE_COLLECTIONS_PATH (make setup)" >&2; exit 2; }

cd "$here"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if "$bin/ansible-playbook" -i inventory.yml test_modules.yml "$@" >"$log" 2>&1; then
    sed -n '/^PLAY RECAP/,$p' "$log"
    echo "test_modules.yml: ok ($(grep -c '^TASK ' "$log") tasks; expected failures are checked)"
else
    cat "$log"
    echo "test_modules.yml: FAILED" >&2
    exit 1
fi

mapfile -t modules < <(find "$repo/plugins/modules" -maxdepth 1 -name '*.py' ! -name '_*' -printf '%f\n' | sed 's/\.py$//' | sort)
failed=0
for m in "${modules[@]}"; do
    if out="$("$bin/ansible-doc" -t module "hobbynet.infra.$m" 2>&1)" \
        && grep -q "hobbynet.infra.$m" <<<"$out" && grep -q "EXAMPLES" <<<"$out" \
        && ! grep -q '^\[ERROR\]' <<<"$out" && ! grep -q "WARNING.*hobbynet" <<<"$out"; then
        echo "ansible-doc -t module hobbynet.infra.$m: ok"
    else
        echo "ansible-doc -t module hobbynet.infra.$m: FAILED" >&2
        echo "$out" >&2
        failed=1
    fi
done
exit "$failed"
