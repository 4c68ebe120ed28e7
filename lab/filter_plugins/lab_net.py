"""Filters for the lab playbooks and molecule scenarios (not part of the collection's plugins).

The lab is planned here, in plain Python, and applied by thin tasks in lab/playbooks/up.yml:
validate the inventory (every problem named by variable), compare the wanted networks and
containers with what podman has, and return the actions.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ansible.errors import AnsibleFilterError

LABEL = "org.hobbynet.lab"
SPEC_LABEL = "org.hobbynet.lab.spec"
_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_HOSTNAME = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _network(value: Any, version: int, where: str, errors: list[str]):
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        errors.append(f"{where}: {value!r} is not a network in CIDR form ({exc})")
        return None
    if net.version != version:
        errors.append(f"{where}: {value} is not an IPv{version} network")
        return None
    return net


def lab_check(hosts: list[str], hostvars: Mapping) -> list[str]:
    """Every problem of the lab inventory, each naming the variable; empty when it is usable."""
    if not hosts:
        return ["the inventory has no hosts in the group 'lab'; nothing to create"]
    errors: list[str] = []
    first = hostvars[hosts[0]]
    prefix = first.get("lab_container_prefix")
    networks = first.get("lab_networks")
    if not isinstance(prefix, str) or not _NAME.match(prefix):
        errors.append(f"lab_container_prefix: {prefix!r} must be a plain name ([a-zA-Z0-9_.-])")
    if not _is_list(networks) or not networks:
        return [
            *errors,
            "lab_networks: must be a non-empty list of {name, subnet4, subnet6}, "
            f"got {networks!r}",
        ]

    subnets: dict[str, tuple] = {}
    seen_nets: list = []
    for i, n in enumerate(networks):
        where = f"lab_networks[{i}]"
        if (
            not isinstance(n, Mapping)
            or not isinstance(n.get("name"), str)
            or not _NAME.match(n["name"])
        ):
            errors.append(f"{where}: needs a plain 'name', 'subnet4' and 'subnet6', got {n!r}")
            continue
        if n["name"] in subnets:
            errors.append(f"{where}: the name {n['name']} is used twice")
        v4 = _network(n.get("subnet4"), 4, f"{where}.subnet4", errors)
        v6 = _network(n.get("subnet6"), 6, f"{where}.subnet6", errors)
        for net in (v4, v6):
            if net is not None:
                errors += [f"{where}: {net} overlaps {o}" for o in seen_nets if o.overlaps(net)]
                seen_nets.append(net)
        subnets[n["name"]] = (v4, v6)

    used: dict[str, str] = {}
    for host in hosts:
        hv = hostvars[host]
        if not _HOSTNAME.match(host):
            errors.append(f"lab host {host!r}: the inventory name must be a valid hostname")
        if hv.get("lab_container_prefix") != prefix or hv.get("lab_networks") != networks:
            errors.append(
                f"lab host {host}: lab_container_prefix and lab_networks must be set for the "
                "whole 'lab' group, not per host"
            )
        for key, kind in (
            ("lab_capabilities", "list"),
            ("lab_devices", "list"),
            ("lab_sysctls", "dict"),
        ):
            value = hv.get(key, [] if kind == "list" else {})
            ok = (
                isinstance(value, Mapping)
                if kind == "dict"
                else _is_list(value) and all(isinstance(x, str) for x in value)
            )
            if not ok:
                errors.append(
                    f"lab host {host}: {key} must be a {kind}"
                    f"{' of strings' if kind == 'list' else ''}, got {value!r}"
                )
        ifaces = hv.get("lab_interfaces")
        if not _is_list(ifaces) or not ifaces:
            errors.append(
                f"lab host {host}: lab_interfaces must be a non-empty list of "
                f"{{network, ipv4, ipv6}}, got {ifaces!r}"
            )
            continue
        joined = []
        for j, iface in enumerate(ifaces):
            where = f"lab host {host}: lab_interfaces[{j}]"
            if not isinstance(iface, Mapping) or iface.get("network") not in subnets:
                errors.append(
                    f"{where}: 'network' must name one of lab_networks "
                    f"({', '.join(subnets)}), got {iface!r}"
                )
                continue
            if iface["network"] in joined:
                errors.append(f"{where}: network {iface['network']} is joined twice")
            joined.append(iface["network"])
            for family, net in zip(("ipv4", "ipv6"), subnets[iface["network"]], strict=True):
                try:
                    addr = ipaddress.ip_address(str(iface.get(family)))
                except ValueError:
                    errors.append(
                        f"{where}.{family}: {iface.get(family)!r} is not an address "
                        "(both families are required: lab networks are dual-stack)"
                    )
                    continue
                if net is None:
                    continue
                if addr not in net or addr in (net.network_address, net.broadcast_address):
                    errors.append(f"{where}.{family}: {addr} is not a host address of {net}")
                if str(addr) in used:
                    errors.append(f"{where}.{family}: {addr} is already used by {used[str(addr)]}")
                used[str(addr)] = host
    return errors


def lab_subnet_clashes(
    subnets: list[str], routes: list[dict], existing: list[dict], prefix: str
) -> list[str]:
    """Return 'subnet overlaps route dst dev X' for every host route that overlaps a lab subnet.

    ``routes`` is ``ip -j route`` output (IPv4 and IPv6 together); routes on the bridges of this
    lab's existing networks (``existing``: `podman network ls --format json`) do not count. Default,
    link-local and multicast routes never count: the lab subnets are more specific.
    """
    own_devices = {
        n.get("network_interface") for n in existing if (n.get("labels") or {}).get(LABEL) == prefix
    }
    clashes = []
    for subnet in subnets:
        net = ipaddress.ip_network(subnet, strict=True)
        for route in routes:
            dst = route.get("dst", "")
            if dst in ("default", "") or route.get("dev") in own_devices:
                continue
            try:
                other = ipaddress.ip_network(dst, strict=False)
            except ValueError:
                continue
            if other.version != net.version or other.prefixlen == 0:
                continue
            if other.is_link_local or other.is_multicast:
                continue
            if net.overlaps(other):
                clashes.append(f"{subnet} overlaps the host route {dst} dev {route.get('dev')}")
    return clashes


def lab_network_actions(existing: list[dict], networks: list[dict], prefix: str) -> dict:
    """Compare `podman network ls --format json` with lab_networks.

    Returns {create: [network], remove: [name], errors: [str]}: networks to create, this lab's
    networks no longer in lab_networks, and networks that cannot be used as they are.
    """
    by_name = {n["name"]: n for n in existing}
    wanted = {n["name"] for n in networks}
    out: dict[str, list] = {"create": [], "remove": [], "errors": []}
    for i, n in enumerate(networks):
        have = by_name.get(n["name"])
        if have is None:
            out["create"].append(n)
            continue
        if (have.get("labels") or {}).get(LABEL) != prefix:
            out["errors"].append(
                f"lab_networks[{i}]: a podman network named {n['name']} exists but was "
                f"not created by this lab (label {LABEL}={prefix} missing); rename the "
                "lab network or remove that network yourself"
            )
            continue
        subnets = sorted(s["subnet"] for s in have.get("subnets") or [])
        if (
            subnets != sorted([n["subnet4"], n["subnet6"]])
            or not have.get("internal")
            or have.get("dns_enabled")
        ):
            out["errors"].append(
                f"lab_networks[{i}]: the existing network {n['name']} has subnets "
                f"{', '.join(subnets)} (internal={have.get('internal')}, "
                f"dns={have.get('dns_enabled')}), not what the inventory says; "
                "run 'make lab-down' (or molecule destroy) first"
            )
    for have in existing:
        if (have.get("labels") or {}).get(LABEL) == prefix and have["name"] not in wanted:
            out["remove"].append(have["name"])
    return out


def lab_containers(hosts: list[str], hostvars: Mapping, prefix: str, image_id: str) -> list[dict]:
    """The wanted containers: {host, name, spec, args}; args follow `podman run --name NAME`."""
    out = []
    for host in hosts:
        hv = hostvars[host]
        args = [
            "--hostname",
            host,
            "--dns",
            "none",
            "--no-hosts",
            "--systemd",
            "always",
            "--label",
            f"{LABEL}={prefix}",
        ]
        for index, iface in enumerate(hv["lab_interfaces"]):
            # interface_name pins eth<N> to the N-th entry: podman itself keeps no order.
            opts = f"ip={iface['ipv4']},ip={iface['ipv6']},interface_name=eth{index}"
            args += ["--network", f"{iface['network']}:{opts}"]
        args += [f"--cap-add={cap}" for cap in hv.get("lab_capabilities", [])]
        args += [f"--device={dev}" for dev in hv.get("lab_devices", [])]
        args += [f"--sysctl={k}={v}" for k, v in sorted(hv.get("lab_sysctls", {}).items())]
        args.append(image_id)
        spec = hashlib.sha256(json.dumps(args).encode()).hexdigest()[:16]
        out.append(
            {
                "host": host,
                "name": prefix + host,
                "spec": spec,
                "args": ["--label", f"{SPEC_LABEL}={spec}", *args],
            }
        )
    return out


def lab_container_actions(existing: list[dict], wanted: list[dict], prefix: str) -> dict:
    """Compare `podman ps --all --format json` with the wanted containers.

    Returns {remove: [name], run: [container], start: [name], errors: [str]}. Outdated and
    no-longer-wanted containers of this lab are all removed before any is created, so addresses
    can move between hosts.
    """
    by_name = {}
    for c in existing:
        for name in c.get("Names") or []:
            by_name[name] = c
    out: dict[str, list] = {"remove": [], "run": [], "start": [], "errors": []}
    wanted_names = {w["name"] for w in wanted}
    for w in wanted:
        have = by_name.get(w["name"])
        if have is None:
            out["run"].append(w)
            continue
        labels = have.get("Labels") or {}
        if labels.get(LABEL) != prefix:
            out["errors"].append(
                f"a container named {w['name']} exists but was not created by this lab "
                f"(label {LABEL}={prefix} missing); change lab_container_prefix or "
                "remove it yourself"
            )
        elif labels.get(SPEC_LABEL) != w["spec"]:
            out["remove"].append(w["name"])
            out["run"].append(w)
        elif have.get("State") != "running":
            out["start"].append(w["name"])
    for c in existing:
        if (c.get("Labels") or {}).get(LABEL) == prefix:
            out["remove"] += [n for n in c.get("Names") or [] if n not in wanted_names]
    return out


def lab_addresses(hosts: list[str], hostvars: Mapping, networks: list[dict]) -> list[dict]:
    """Every lab address as {host, ip, net, network}: one of the host's addresses and its subnet."""
    subnets = {n["name"]: n for n in networks}
    out = []
    for host in hosts:
        for iface in hostvars[host]["lab_interfaces"]:
            net = subnets[iface["network"]]
            for family, key in (("ipv4", "subnet4"), ("ipv6", "subnet6")):
                out.append(
                    {
                        "host": host,
                        "ip": str(iface[family]),
                        "net": net[key],
                        "network": iface["network"],
                    }
                )
    return out


def lab_first_hops(plan: list[dict]) -> dict[str, dict[str, list[str]]]:
    """From a mesh plan, the neighbour(s) each site should use first to reach each other site.

    Dijkstra over the planned links with their OSPF costs; equal-cost paths give several first
    hops (BIRD installs them all as ECMP). Returns {src: {dst: sorted first-hop names}}.
    """
    graph: dict[str, dict[str, int]] = {}
    for link in plan:
        a, b = link["nodes"]
        graph.setdefault(a, {})[b] = link["cost"]
        graph.setdefault(b, {})[a] = link["cost"]
    out: dict[str, dict[str, list[str]]] = {}
    for src in sorted(graph):
        dist = {src: 0}
        first: dict[str, set[str]] = {src: set()}
        todo = {src}
        done: set[str] = set()
        while todo:
            node = min(todo, key=lambda n: (dist[n], n))
            todo.discard(node)
            done.add(node)
            for peer, cost in graph[node].items():
                if peer in done:
                    continue
                hops = {peer} if node == src else first[node]
                d = dist[node] + cost
                if peer not in dist or d < dist[peer]:
                    dist[peer], first[peer] = d, set(hops)
                    todo.add(peer)
                elif d == dist[peer]:
                    first[peer] |= hops
        out[src] = {dst: sorted(first[dst]) for dst in sorted(graph) if dst != src and dst in first}
    return out


def _wrap(func):
    def run(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AnsibleFilterError(f"{func.__name__}: {type(exc).__name__}: {exc}") from exc

    return run


class FilterModule:
    def filters(self):
        funcs = (
            lab_check,
            lab_subnet_clashes,
            lab_network_actions,
            lab_containers,
            lab_container_actions,
            lab_addresses,
            lab_first_hops,
        )
        return {f.__name__: _wrap(f) for f in funcs}
