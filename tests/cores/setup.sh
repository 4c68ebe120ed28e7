#!/usr/bin/env bash
# Prepare every claimed ansible-core line for `make unit` and `make sanity` (idempotent; needs the
# package index only when something changed; `make cores`, after `make setup` made .venv):
#   1. a virtualenv per extra line with tests/cores/requirements-<line>.txt, in the machine's cache
#      ($cores_cache/cores/<line>-<hash of that file>, see env.sh): made once per set of pins;
#   2. ansible-test's sanity virtualenvs of every line, primed here so that `make sanity` runs
#      offline. ansible-test makes one virtualenv per sanity test, without pip, and bootstraps pip
#      with a get-pip.py it downloads from a host this project cannot reach: tests/sanity/get_pip.py
#      stands in for it (it uses the pip bundled with Python). Primed once per set of pins.
set -euo pipefail
# shellcheck source=tests/cores/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$cores_top"

main=$(main_core_line)
for line in $(core_lines); do
    [[ $line == "$main" ]] && continue
    venv=$(core_venv "$line")
    req=tests/cores/requirements-$line.txt
    stamp=$venv/.requirements.sha256
    if [[ ! -x $venv/bin/python ]] || ! grep -qx 'home = /usr/bin' "$venv/pyvenv.cfg" 2>/dev/null; then
        mkdir -p "$(dirname "$venv")"
        /usr/bin/python3 -m venv --clear "$venv"
        rm -f "$stamp"
    fi
    if [[ ! -f $stamp ]] || ! sha256sum --quiet -c "$stamp" 2>/dev/null; then
        echo "installing ansible-core $line into $venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
        sha256sum "$req" >"$stamp"
    fi
done

# The pip version ansible-test bootstraps into its sanity virtualenvs, for each line.
state=$cores_cache/ansible-test
for line in $(core_lines); do
    bin=$(core_bin "$line")
    pip_version=$("$bin/python" - <<'PY'
from ansible_test._internal.host_configs import NativePythonConfig
from ansible_test._internal.python_requirements import get_venv_packages

print(get_venv_packages(NativePythonConfig(version="3.11", path=""))["pip"])
PY
)
    get_pip=$state/.ansible/test/cache/get_pip_${pip_version//./_}.py
    mkdir -p "$(dirname "$get_pip")"
    cmp -s tests/sanity/get_pip.py "$get_pip" || cp tests/sanity/get_pip.py "$get_pip"
    # Primed again only when ansible-test's sanity requirements or the stand-in change.
    requirements=$("$bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_data/requirements
    stamp=$state/primed-$line.sha256
    if [[ ! -f $stamp ]] || ! sha256sum --quiet -c "$stamp" 2>/dev/null; then
        echo "priming ansible-test $line sanity virtualenvs"
        core_ansible_test "$line" sanity --python 3.11 --prime-venvs >"$state/prime-$line.log" 2>&1 || {
            cat "$state/prime-$line.log" >&2
            exit 1
        }
        sha256sum "$requirements"/sanity.*.txt "$get_pip" >"$stamp"
    fi
done
echo "cores: $(core_lines | xargs) ready"
