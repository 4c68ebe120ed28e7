"""Filters for the lab playbooks only (not part of the collection's public plugins)."""

from __future__ import annotations

import ipaddress

from ansible.errors import AnsibleFilterError


def lab_subnet_clashes(subnets: list[str], routes: list[dict], own_devices: list[str]) -> list[str]:
    """Return 'subnet overlaps route dst dev X' for every host route that overlaps a lab subnet.

    ``routes`` is ``ip -j route`` output (IPv4 and IPv6 together); routes on ``own_devices`` (the
    bridges of lab networks that already exist) are the lab's own and do not count. A default
    route never counts: the lab subnets are more specific and win.
    """
    clashes = []
    for subnet in subnets:
        try:
            net = ipaddress.ip_network(subnet, strict=True)
        except ValueError as exc:
            raise AnsibleFilterError(f"lab_networks: {subnet!r} is not a network ({exc})") from exc
        for route in routes:
            dst = route.get("dst", "")
            if dst in ("default", "") or route.get("dev") in own_devices:
                continue
            try:
                other = ipaddress.ip_network(dst, strict=False)
            except ValueError:
                continue  # multicast/unreachable specials such as 'ff00::/8' parse; others skip
            if other.version == net.version and other.prefixlen > 0 and net.overlaps(other):
                if other.is_link_local or other.is_multicast:
                    continue
                clashes.append(f"{subnet} overlaps the host route {dst} dev {route.get('dev')}")
    return clashes


def lab_addresses(hosts: list[str], hostvars: dict, networks: list[dict]) -> list[dict]:
    """Every lab address as {host, ip, net}: ip is one of the host's addresses, net its subnet."""
    subnets = {n["name"]: n for n in networks}
    out = []
    for host in hosts:
        for iface in hostvars[host]["lab_interfaces"]:
            net = subnets[iface["network"]]
            out.append({"host": host, "ip": str(iface["ipv4"]), "net": net["subnet4"]})
            if iface.get("ipv6"):
                out.append({"host": host, "ip": str(iface["ipv6"]), "net": net["subnet6"]})
    return out


def lab_run_args(host: str, hostvars: dict, label: str, image: str) -> list[str]:
    """The `podman run` arguments (after --name) for one lab host, from its lab_* variables."""
    args = ["--hostname", host, "--dns", "none", "--no-hosts", "--systemd", "always"]
    args += ["--label", label]
    for iface in hostvars["lab_interfaces"]:
        ips = [f"ip={iface['ipv4']}"] + ([f"ip={iface['ipv6']}"] if iface.get("ipv6") else [])
        args += ["--network", f"{iface['network']}:{','.join(ips)}"]
    args += [f"--cap-add={cap}" for cap in hostvars.get("lab_capabilities", [])]
    args += [f"--device={dev}" for dev in hostvars.get("lab_devices", [])]
    args += [f"--sysctl={k}={v}" for k, v in sorted(hostvars.get("lab_sysctls", {}).items())]
    return [*args, image]


class FilterModule:
    def filters(self):
        return {
            "lab_subnet_clashes": lab_subnet_clashes,
            "lab_addresses": lab_addresses,
            "lab_run_args": lab_run_args,
        }
