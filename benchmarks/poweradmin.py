#!/usr/bin/env python
"""Poweradmin benchmark on a running lab (prints numbers; asserts nothing).

The cost of HA sessions: requests per second and p95 latency of the login page and of a
logged-in page on each writer, with PHP sessions in the Galera database (the role's handler, the
default) and then with file sessions on each writer (poweradmin_session_store: files, applied with
playbooks/poweradmin.yml and reverted afterwards). The load tool is Debian's `ab` (apache2-utils),
run inside a DNS replica of the lab against the writers' lab addresses over HTTPS, keep-alive on;
nothing leaves the lab.

The login page starts a new session on every request (a row written per request with database
sessions); the logged-in page reads and keeps one session (lazy_write: only its expiry moves). With
the lab's FIXTURE (no POWERADMIN_ARCHIVE) the pages are the fixture's index.php (which also counts
Poweradmin's users in the database); with a real release the login page is /login and the
logged-in page the dashboard, after a real login (POWERADMIN_BENCH_PASSWORD, default the lab's
administrator password).

Usage: benchmarks/poweradmin.py [--requests N] [--concurrency C] [--stores database,files]
       [--inventory inventories/lab] [--prefix hobbynet-] [--client e1]   (needs `make lab`)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

TOP = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOP / "lab/tools"))
from lab_exec import Containers  # noqa: E402


def inventory_value(inventory: Path, name: str) -> str:
    for path in sorted(inventory.glob("group_vars/**/*.yml")) + sorted(
        inventory.glob("group_vars/*.yml")
    ):
        data = yaml.safe_load(path.read_text()) or {}
        if name in data:
            return str(data[name])
    sys.exit(f"poweradmin.py: {name} not found in {inventory}/group_vars")


def writers(lab: Containers, hosts: list[str]) -> dict[str, str]:
    """Writer -> the address nginx listens on (read from the host's nginx site)."""
    out = {}
    for host in hosts:
        site = lab.sh(host, "cat /etc/nginx/conf.d/hobbynet-poweradmin.conf")
        match = re.search(r"listen (\S+):443 ssl", site)
        if not match:
            sys.exit(f"poweradmin.py: no Poweradmin listener on {host}: run `make lab` first")
        out[host] = match.group(1)
    return out


def session_cookie(
    lab: Containers, client: str, name: str, address: str, password: str
) -> tuple[str, str]:
    """(cookie, logged-in path) after a login on ``address``, real release or fixture."""
    jar = "/tmp/poweradmin-bench.jar"
    curl = f"curl -sk -c {jar} -b {jar} --resolve {name}:443:{address}"
    page = lab.sh(client, f"rm -f {jar}; {curl} https://{name}/login")
    token = re.search(r'name="_token" value="([^"]+)"', page)
    if token:  # a real Poweradmin release
        lab.sh(
            client,
            f"{curl} -o /dev/null --data-urlencode _token={token.group(1)}"
            " --data-urlencode username=admin"
            f" --data-urlencode password@/dev/stdin --data-urlencode userlang=en_EN"
            f" --data-urlencode authenticate= https://{name}/login <<< {password!r}",
        )
        path = "/"
        check = lab.sh(client, f"{curl} https://{name}{path}")
        if "logout" not in check:
            sys.exit("poweradmin.py: the login failed (POWERADMIN_BENCH_PASSWORD?)")
    else:  # the FIXTURE
        lab.sh(client, f"{curl} -o /dev/null 'https://{name}/?login=bench'")
        path = "/?page=dashboard"
    cookie = lab.sh(client, f"awk '$6 == \"PHPSESSID\" {{print $7}}' {jar}").strip()
    return cookie, path


def ab(
    lab: Containers,
    client: str,
    name: str,
    address: str,
    path: str,
    n: int,
    c: int,
    cookie: str = "",
) -> dict:
    args = f"-q -k -n {n} -c {c} -H 'Host: {name}'" + (f" -C PHPSESSID={cookie}" if cookie else "")
    out = lab.sh(client, f"ab {args} 'https://{address}{path}' 2>&1", check=False)
    rps = re.search(r"Requests per second:\s+([\d.]+)", out)
    p95 = re.search(r"^\s+95%\s+(\d+)", out, re.M)
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    if not rps or not p95:
        sys.exit(f"poweradmin.py: ab failed against {address}{path}:\n{out[-1500:]}")
    return {
        "rps": float(rps.group(1)),
        "p95": int(p95.group(1)),
        "failed": int(failed.group(1)) if failed else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def set_store(inventory: Path, store: str) -> None:
    done = subprocess.run(
        [
            str(TOP / ".venv/bin/ansible-playbook"),
            "-i",
            str(inventory),
            "-e",
            f"poweradmin_session_store={store}",
            str(TOP / "playbooks/poweradmin.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ANSIBLE_CONFIG": str(TOP / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
    )
    if done.returncode != 0:
        sys.exit(
            f"poweradmin.py: setting poweradmin_session_store={store} failed:\n"
            + done.stdout[-2000:]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--stores", default="database,files")
    parser.add_argument("--inventory", type=Path, default=TOP / "inventories/lab")
    parser.add_argument("--prefix", default="hobbynet-")
    parser.add_argument("--client", default="e1")
    parser.add_argument("--writers", default="r1,r2,r3")
    args = parser.parse_args()
    lab = Containers(args.prefix, "poweradmin.py")
    name = inventory_value(args.inventory, "poweradmin_server_name")
    password = os.environ.get("POWERADMIN_BENCH_PASSWORD") or inventory_value(
        args.inventory, "poweradmin_admin_password"
    )
    nodes = writers(lab, args.writers.split(","))
    print(
        f"Poweradmin benchmark: ab -k -n {args.requests} -c {args.concurrency}"
        f" over HTTPS from {args.client}"
    )
    print(
        f"{'store':9} {'writer':7} {'page':10} {'req/s':>8} {'p95 ms':>7}"
        f" {'failed':>7} {'non-2xx':>8}"
    )
    try:
        for store in args.stores.split(","):
            set_store(args.inventory, store)
            for host, address in nodes.items():
                cookie, path = session_cookie(lab, args.client, name, address, password)
                for page, page_path, page_cookie in (
                    ("login", "/login", ""),
                    ("logged-in", path, cookie),
                ):
                    r = ab(
                        lab,
                        args.client,
                        name,
                        address,
                        page_path,
                        args.requests,
                        args.concurrency,
                        page_cookie,
                    )
                    print(
                        f"{store:9} {host:7} {page:10} {r['rps']:8.1f} {r['p95']:7d}"
                        f" {r['failed']:7d} {r['non2xx']:8d}"
                    )
    finally:
        set_store(args.inventory, "database")


if __name__ == "__main__":
    main()
