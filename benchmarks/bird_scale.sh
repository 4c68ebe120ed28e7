#!/usr/bin/env bash
# Scale check of the backbone roles' controller side: one site of a 50-site FULL mesh
# (1,225 links, 49 tunnels on that site). Plans the mesh and renders that site's bird.conf with the
# roles' own preflight tasks and template (--limit to the one site: the plan still spans all 50),
# then validates it with `bird -p` inside the lab host r1 (BIRD is not installed on this machine).
# Prints numbers; needs `make lab` to have run (for r1). Nothing is deployed anywhere.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ANSIBLE_CONFIG="$top/ansible.cfg" ANSIBLE_NOCOLOR=1

mkdir -p "$work/host_vars"
{
    echo "all:"
    echo "  children:"
    echo "    backbone:"
    echo "      hosts:"
    for i in $(seq 1 "$n"); do echo "        n$i: {ansible_connection: local, ansible_python_interpreter: \"{{ ansible_playbook_python }}\"}"; done
} >"$work/hosts.yml"
for i in $(seq 1 "$n"); do
    cat >"$work/host_vars/n$i.yml" <<HV
backbone_id: $i
backbone_endpoint: n$i.invalid
backbone_location: {lat: $((i % 60)).5, lon: $((i * 7 % 170)).25}
bird2_site_prefixes: [10.$((i / 250)).$((i % 250)).1/24, "2001:db8:$i::1/64"]
HV
done
cat >"$work/render.yml" <<'PLAY'
- name: Plan the mesh and render one site's BIRD configuration
  hosts: backbone
  gather_facts: false
  vars:
    wireguard_mesh_secret: benchmark-secret-only-for-rendering-0123456789
    wireguard_mesh_pool_v4: 10.255.0.0/16
    bird2_ospf_password: benchmark-password
  tasks:
    - name: Plan the mesh (wireguard_mesh preflight)
      ansible.builtin.include_role:
        name: hobbynet.infra.wireguard_mesh
        tasks_from: preflight.yml
    - name: Check and derive the BIRD inputs (bird2 preflight)
      ansible.builtin.include_role:
        name: hobbynet.infra.bird2
        tasks_from: preflight.yml
        public: true  # the role's vars/main.yml feed the template below
    - name: Render bird.conf with the role's template
      ansible.builtin.template:
        src: "{{ lookup('ansible.builtin.env', 'BIRD_TEMPLATE') }}"
        dest: "{{ lookup('ansible.builtin.env', 'BIRD_OUT') }}"
        mode: "0600"
      no_log: false  # test values only
PLAY

t0=$EPOCHREALTIME
BIRD_TEMPLATE="$top/roles/bird2/templates/bird.conf.j2" BIRD_OUT="$work/bird.conf" \
    "$top/.venv/bin/ansible-playbook" -i "$work/hosts.yml" --limit n1 "$work/render.yml" >"$work/log" 2>&1 \
    || { cat "$work/log"; exit 1; }
t1=$EPOCHREALTIME
podman cp "$work/bird.conf" hobbynet-r1:/tmp/bird-scale.conf
t2=$EPOCHREALTIME
podman exec hobbynet-r1 bird -p -c /tmp/bird-scale.conf
t3=$EPOCHREALTIME
podman exec hobbynet-r1 rm -f /tmp/bird-scale.conf

awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
    -v lines="$(wc -l <"$work/bird.conf")" -v ifs="$(grep -c 'interface "wg' "$work/bird.conf")" 'BEGIN {
    printf "%d-site full mesh (%d links), site n1: %d interface blocks (ospf4 + ospf6 per tunnel, + bfd), bird.conf %d lines\n",
        n, n * (n - 1) / 2, ifs, lines
    printf "  plan + checks + render (ansible-playbook, whole run): %6.2f s\n", b - a
    printf "  bird -p validation:                                   %6.2f s (rc 0)\n", d - c
}'
