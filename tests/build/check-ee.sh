#!/usr/bin/env bash
# The collection in an execution environment, offline: build the artifact, install it (no
# dependencies, no server), check that `ansible-builder introspect` reads the collection's
# meta/execution-environment.yml (Python and system requirements), and that `ansible-builder
# create` makes a build context from tests/build/execution-environment.yml.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$top/.cache/build-ee"
rm -rf "$out"
mkdir -p "$out/ee/collection"

ansible-galaxy collection build --force --output-path "$out" "$top" >/dev/null
artifact=$(ls "$out"/hobbynet-infra-*.tar.gz)
ANSIBLE_COLLECTIONS_PATH="$out/collections" \
    ansible-galaxy collection install --offline --no-deps -p "$out/collections" "$artifact" >/dev/null

introspected=$(ansible-builder introspect "$out/collections")
want=("cryptography>=3.1  # from collection hobbynet.infra"
      "netaddr>=0.10.1  # from collection hobbynet.infra"
      "openssh-clients [platform:rpm]  # from collection hobbynet.infra")
for line in "${want[@]}"; do
    grep -qF -- "$line" <<<"$introspected" || {
        echo "check-ee: ansible-builder introspect does not list: $line" >&2
        echo "$introspected" >&2
        exit 1
    }
done

cp "$top/tests/build/execution-environment.yml" "$out/ee/"
cp "$artifact" "$out/ee/collection/hobbynet-infra.tar.gz"
ansible-builder create -f "$out/ee/execution-environment.yml" --context "$out/ee/context" >/dev/null
for f in Containerfile _build/requirements.yml _build/collection/hobbynet-infra.tar.gz; do
    [[ -f $out/ee/context/$f ]] || { echo "check-ee: the build context has no $f" >&2; exit 1; }
done
echo "check-ee: introspect lists the collection's requirements; build context in ${out#"$top"/}/ee/context"
