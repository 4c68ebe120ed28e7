# shellcheck shell=bash
# Sourced by the scripts of tests/cores and tests/sanity: where each ansible-core line lives.
#
# The collection claims the ansible-core lines of meta/runtime.yml (requires_ansible). 2.19 is the
# pin of requirements.txt, in .venv; every other line has its own small virtualenv from
# tests/cores/requirements-<line>.txt (made by tests/cores/setup.sh).
#
# Those virtualenvs and ansible-test's state (its primed sanity virtualenvs) live in a cache of the
# machine, outside the checkout, named by the hash of what they were made from: a new clone of the
# same pins (CI) reuses them instead of rebuilding them for minutes; other pins get their own.
# HOBBYNET_DEV_CACHE moves it; `make clean` removes it.

cores_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cores_cache=${HOBBYNET_DEV_CACHE:-/var/cache/hobbynet-dev}

# The virtualenv of an extra line: named by the line and the hash of its requirements file.
core_venv() {
    local req="$cores_top/tests/cores/requirements-$1.txt"
    echo "$cores_cache/cores/$1-$(sha256sum "$req" | cut -c1-16)"
}

# Every claimed line, oldest first.
core_lines() {
    local f lines=()
    for f in "$cores_top"/tests/cores/requirements-*.txt; do
        f=${f##*/requirements-}
        lines+=("${f%.txt}")
    done
    lines+=("$(main_core_line)")
    printf '%s\n' "${lines[@]}" | sort -V
}

# The line of the ansible-core pinned in requirements.txt (the one in .venv).
main_core_line() {
    sed -nE 's/^ansible-core==([0-9]+\.[0-9]+)\..*/\1/p' "$cores_top/requirements.txt"
}

# The bin directory of the virtualenv of an ansible-core line.
core_bin() {
    if [[ $1 == "$(main_core_line)" ]]; then
        echo "$cores_top/.venv/bin"
    elif [[ -f $cores_top/tests/cores/requirements-$1.txt ]]; then
        echo "$(core_venv "$1")/bin"
    else
        echo "no ansible-core line $1 (lines: $(core_lines | xargs))" >&2
        return 1
    fi
}

# Run ansible-test of an ansible-core line on this checkout: `core_ansible_test LINE ARGS...`.
# ansible-test wants the collection under .../ansible_collections/hobbynet/infra and takes the
# resolved working directory, so it is given the symlinked path of .cache/collections (see
# lab/setup-host.sh) as its content root. Its state (its sanity virtualenvs, the pip bootstrap
# script) goes to $cores_cache/ansible-test instead of ~/.ansible/test.
core_ansible_test() {
    local bin
    bin=$(core_bin "$1") || return 1
    shift
    local link="$cores_top/.cache/collections/ansible_collections/hobbynet/infra"
    if [[ ! -e $link ]]; then
        mkdir -p "$(dirname "$link")"
        ln -sfn ../../../.. "$link"
    fi
    (
        cd "$link" || exit
        exec env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_CONFIG \
            ANSIBLE_TEST_CONTENT_ROOT="$link" \
            PIP_CACHE_DIR="${PIP_CACHE_DIR:-${HOME:-/root}/.cache/pip}" \
            HOME="$cores_cache/ansible-test" \
            PATH="$bin:$PATH" \
            "$bin/ansible-test" "$@"
    )
}
