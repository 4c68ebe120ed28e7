#!/usr/bin/env bash
# `ansible-test sanity` on each claimed ansible-core line (default: all of them), offline.
#   tests/sanity/run.sh [LINE...]      e.g. tests/sanity/run.sh 2.17
# tests/cores/setup.sh (make cores) primes ansible-test's sanity virtualenvs; this script runs
# them without the network: in a network namespace of its own when it can make one (root, as in
# CI), so a test that would download anything fails instead of reaching out.
set -euo pipefail
# shellcheck source=tests/cores/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/../cores/env.sh"
cd "$cores_top"

if (($#)); then lines=("$@"); else mapfile -t lines < <(core_lines); fi

# Without shellcheck ansible-test skips its shellcheck test and still passes.
command -v shellcheck >/dev/null || { echo "sanity: shellcheck is missing (make setup installs it)" >&2; exit 2; }

offline=()
if unshare --net true 2>/dev/null; then
    offline=(unshare --net)
else
    echo "sanity: cannot make a network namespace (not root?): running with the network" >&2
fi

failed=()
for line in "${lines[@]}"; do
    core_bin "$line" >/dev/null
    echo "==> ansible-test sanity, ansible-core $line"
    start=$SECONDS
    # --color=no: CI logs; --python: the controller Python the lines share (Debian 12's 3.11).
    if "${offline[@]}" bash -c '. tests/cores/env.sh && core_ansible_test "$@"' sanity "$line" \
        sanity --python 3.11 --color no; then
        echo "ansible-test sanity $line: ok ($((SECONDS - start)) s)"
    else
        echo "ansible-test sanity $line: FAILED ($((SECONDS - start)) s)" >&2
        failed+=("$line")
    fi
done
((${#failed[@]} == 0)) || { echo "sanity failed on: ${failed[*]}" >&2; exit 1; }
