#!/usr/bin/env bash
# The unit tests on each claimed ansible-core line (default: all of them).
#   tests/cores/unit.sh [LINE...] [-- PYTEST ARGS]      e.g. tests/cores/unit.sh 2.17 -- -x
set -euo pipefail
# shellcheck source=tests/cores/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$cores_top"

lines=()
while (($#)) && [[ $1 != -- ]]; do lines+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
((${#lines[@]})) || mapfile -t lines < <(core_lines)

failed=()
for line in "${lines[@]}"; do
    bin=$(core_bin "$line")
    echo "==> pytest tests/unit, ansible-core $line ($("$bin/python" -c 'import ansible; print(ansible.__version__)'))"
    start=$SECONDS
    if env PATH="$bin:$PATH" "$bin/python" -m pytest -q -p no:cacheprovider tests/unit "$@"; then
        echo "unit $line: ok ($((SECONDS - start)) s)"
    else
        echo "unit $line: FAILED ($((SECONDS - start)) s)" >&2
        failed+=("$line")
    fi
done
((${#failed[@]} == 0)) || { echo "unit tests failed on: ${failed[*]}" >&2; exit 1; }
