#!/usr/bin/env bash
# Build the collection artifact and prove it ships the collection and nothing of the lab or tests.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$top/.cache/build"
rm -rf "$out"
mkdir -p "$out"
ansible-galaxy collection build --force --output-path "$out" "$top" >/dev/null
artifact=$(ls "$out"/hobbynet-infra-*.tar.gz)
files=$(tar -tzf "$artifact")
# Allow list of top-level entries: anything else (lab, tests, inventories, tooling) must not ship.
forbidden=$(grep -vE '^(MANIFEST\.json|FILES\.json|README\.md|CHANGELOG\.md|LICENSE|(docs|meta|plugins|playbooks|roles)(/.*)?)$' \
    <<<"$files" || true)
if [[ -n $forbidden ]]; then
    echo "check-artifact: $artifact ships files it must not:" >&2
    echo "$forbidden" >&2
    exit 1
fi
for required in MANIFEST.json FILES.json LICENSE meta/runtime.yml meta/execution-environment.yml \
    meta/ee-requirements.txt meta/bindep.txt README.md playbooks/site.yml; do
    grep -qxF "$required" <<<"$files" || { echo "check-artifact: $required missing from $artifact" >&2; exit 1; }
done
echo "check-artifact: $(basename "$artifact"): $(wc -l <<<"$files") entries, no lab/test/inventory files"
