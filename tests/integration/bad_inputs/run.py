#!/usr/bin/env python
"""Run the table of bad inputs (cases.yml) through the check playbooks, offline, in parallel.

Every case runs ``ansible-playbook --check`` without color against an inventory (a copy with
the case's host and group variables merged in, when it has some) and must:

- fail (``expect: fail``, the default): rc != 0, the message or pattern in the output, a
  PLAY RECAP with no change, no traceback, no UNREACHABLE host, none of the ``absent`` texts;
- pass (``expect: pass``): rc 0, no failure, no change, no UNREACHABLE host;
- show a host as UNREACHABLE (``expect: unreachable``): the guard below works.

The guard: every run gets extra variables that point every connection at a closed port of
127.0.0.1 over ssh. The check playbooks only assert and set facts, so they never connect;
a task that would need a host fails as UNREACHABLE (and the case fails loudly) instead of
reaching a real one - the lab's containers may be up and in use.

Usage: run.py [-j JOBS] [-k SUBSTRING] [-v] [--list] [--cases FILE]
Prints one line per case and a one-line summary (cases, failures, wall time).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CASES = HERE / "cases.yml"
COLLECTIONS = REPO / ".cache" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "hobbynet" / "infra"
TIMEOUT_S = 600

# Connections can only fail, fast: ssh to a closed port of the local machine.
NO_HOST = {
    "ansible_connection": "ssh",
    "ansible_host": "127.0.0.1",
    "ansible_port": 9,
    "ansible_user": "bad-inputs",
    "ansible_ssh_common_args": "-o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no",
}
CASE_KEYS = {
    "id",
    "playbooks",
    "inventory",
    "extra",
    "host_vars",
    "unset",
    "group_vars",
    "unset_group_vars",
    "message",
    "pattern",
    "absent",
    "expect",
}
EXPECTS = {"fail", "pass", "unreachable"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
RECAP = re.compile(
    r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE
)


class CaseError(Exception):
    """A malformed case in cases.yml."""


@dataclass
class Case:
    id: str
    playbooks: list[str]
    inventory: str
    extra: dict[str, Any] = field(default_factory=dict)
    host_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    unset: dict[str, list[str]] = field(default_factory=dict)
    group_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    unset_group_vars: dict[str, list[str]] = field(default_factory=dict)
    message: str | None = None
    pattern: str | None = None
    absent: list[str] = field(default_factory=list)
    expect: str = "fail"

    @property
    def overlays(self) -> bool:
        return bool(self.host_vars or self.unset or self.group_vars or self.unset_group_vars)


@dataclass
class Result:
    case: Case
    ok: bool
    seconds: float
    problems: list[str]
    output: str


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text())
    defaults = data.get("defaults", {})
    cases: list[Case] = []
    seen: set[str] = set()
    for pos, raw in enumerate(data.get("cases") or []):
        if not isinstance(raw, dict) or "id" not in raw:
            raise CaseError(f"cases[{pos}] must be a mapping with an id")
        unknown = sorted(set(raw) - CASE_KEYS)
        if unknown:
            raise CaseError(f"case {raw['id']}: unknown keys {unknown}; known: {sorted(CASE_KEYS)}")
        if raw["id"] in seen:
            raise CaseError(f"case {raw['id']}: the id is used twice")
        seen.add(raw["id"])
        merged = {
            "playbooks": defaults.get("playbooks"),
            "inventory": defaults.get("inventory"),
            **raw,
        }
        case = Case(**merged)
        if case.expect not in EXPECTS:
            raise CaseError(f"case {case.id}: expect must be one of {sorted(EXPECTS)}")
        if case.expect == "fail" and (case.message is None) == (case.pattern is None):
            raise CaseError(f"case {case.id}: a failing case needs exactly one of message, pattern")
        if case.message is not None:
            case.message = " ".join(case.message.split())
        for playbook in case.playbooks:
            if not (REPO / playbook).is_file():
                raise CaseError(f"case {case.id}: no playbook {playbook}")
        if not (REPO / case.inventory).is_dir():
            raise CaseError(f"case {case.id}: the inventory {case.inventory} is not a directory")
        cases.append(case)
    return cases


# --------------------------------------------------------------------------- #
# Inventory overlays
# --------------------------------------------------------------------------- #


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise CaseError(f"cannot merge into {path.name} (plain YAML only): {exc}") from None
    if not isinstance(data, dict):
        raise CaseError(f"{path} is not a mapping of variables")
    return data


def _write_yaml(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False, width=1000))


def _merge(base: Path, name: str, values: dict[str, Any], drop: list[str]) -> None:
    """Merge ``values`` into, and drop ``drop`` from, the variables of ``name`` under ``base``."""
    as_dir = base / name
    as_file = base / f"{name}.yml"
    if as_dir.is_dir():
        for part in sorted(as_dir.glob("*.yml")):
            data = _load_yaml(part)
            if any(key in data for key in drop):
                _write_yaml(part, {k: v for k, v in data.items() if k not in drop})
        if values:
            # Loaded last (files of a directory load in name order), so it wins.
            _write_yaml(as_dir / "zz-bad-input.yml", values)
        return
    data = _load_yaml(as_file) if as_file.is_file() else {}
    data = {k: v for k, v in data.items() if k not in drop}
    data.update(values)
    _write_yaml(as_file, data)


def build_inventory(case: Case, workdir: Path) -> Path:
    source = REPO / case.inventory
    if not case.overlays:
        return source
    target = workdir / "inventory"
    shutil.copytree(source, target, symlinks=True)
    for host in sorted(set(case.host_vars) | set(case.unset)):
        _merge(target / "host_vars", host, case.host_vars.get(host, {}), case.unset.get(host, []))
    for group in sorted(set(case.group_vars) | set(case.unset_group_vars)):
        _merge(
            target / "group_vars",
            group,
            case.group_vars.get(group, {}),
            case.unset_group_vars.get(group, []),
        )
    return target


# --------------------------------------------------------------------------- #
# Running and judging
# --------------------------------------------------------------------------- #


def ansible_playbook() -> str:
    here = Path(sys.executable).parent / "ansible-playbook"
    if here.exists():
        return str(here)
    found = shutil.which("ansible-playbook")
    if not found:
        sys.exit("run.py: ansible-playbook not found: activate the virtualenv or put it on PATH")
    return found


def ensure_collection_link() -> None:
    if not LINK.exists():
        LINK.parent.mkdir(parents=True, exist_ok=True)
        LINK.symlink_to(os.path.relpath(REPO, LINK.parent), target_is_directory=True)
    if LINK.resolve() != REPO:
        sys.exit(f"run.py: {LINK} points to {LINK.resolve()}, not to {REPO}")


def environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(workdir / "tmp"),
            "ANSIBLE_HOME": str(workdir / "ansible-home"),
        }
    )
    return env


def judge(case: Case, rc: int, output: str) -> list[str]:
    problems: list[str] = []
    recap = RECAP.findall(output)
    if "Traceback (most recent call last)" in output:
        problems.append("a Python traceback in the output")
    if not recap:
        problems.append("no PLAY RECAP: the playbook did not run")
    changed = sorted(host for host, _ok, ch, _un, _f in recap if int(ch) > 0)
    unreachable = sorted(host for host, _ok, _ch, un, _f in recap if int(un) > 0)
    failed = sorted(host for host, _ok, _ch, _un, f in recap if int(f) > 0)
    if changed:
        problems.append(f"a task changed (or would change) hosts {changed}")
    if case.expect == "unreachable":
        if not unreachable:
            problems.append("expected an UNREACHABLE host: the guard did not stop a connection")
        return problems
    if unreachable or "UNREACHABLE!" in output:
        problems.append(
            f"hosts {unreachable} UNREACHABLE: a task of the check playbooks needs a connection "
            "(they must only assert and set facts)"
        )
    if case.expect == "pass":
        if rc != 0 or failed:
            problems.append(f"expected success, got rc {rc} and failed hosts {failed}")
        return problems
    if rc == 0:
        problems.append("expected a failure, got rc 0")
    if case.message is not None and case.message not in " ".join(output.split()):
        problems.append(f"the output does not contain {case.message!r}")
    if case.pattern is not None and not re.search(case.pattern, output):
        problems.append(f"the output does not match {case.pattern!r}")
    for text in case.absent:
        if text in output:
            problems.append(f"the output shows {text!r}, which must never be printed")
    return problems


def run_case(case: Case, playbook_bin: str) -> Result:
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"bad-input-{case.id[:40]}-") as tmp:
        workdir = Path(tmp)
        (workdir / "tmp").mkdir()
        try:
            inventory = build_inventory(case, workdir)
        except CaseError as exc:
            return Result(case, False, time.monotonic() - start, [str(exc)], "")
        argv = [
            playbook_bin,
            "--check",
            "-i",
            str(inventory),
            "-e",
            json.dumps(case.extra or {}),
            "-e",
            json.dumps(NO_HOST),
            *[str(REPO / p) for p in case.playbooks],
        ]
        try:
            proc = subprocess.run(
                argv,
                cwd=REPO,
                env=environment(workdir),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Result(case, False, time.monotonic() - start, [f"timeout ({TIMEOUT_S} s)"], "")
        output = ANSI.sub("", proc.stdout + "\n" + proc.stderr)
        problems = judge(case, proc.returncode, output)
    return Result(case, not problems, time.monotonic() - start, problems, output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-j", "--jobs", type=int, default=4, help="parallel runs (default 4)")
    parser.add_argument("-k", dest="select", default="", help="only the cases whose id has this")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case's output")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--cases", type=Path, default=CASES, help="the table (default cases.yml)")
    args = parser.parse_args()

    try:
        cases = [c for c in load_cases(args.cases) if args.select in c.id]
    except CaseError as exc:
        print(f"run.py: {args.cases.name}: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for case in cases:
            print(f"{case.id}  [{case.expect}]")
        return 0
    if not cases:
        print(f"run.py: no case id contains {args.select!r}", file=sys.stderr)
        return 2
    ensure_collection_link()
    playbook_bin = ansible_playbook()

    start = time.monotonic()
    results: list[Result] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_case, case, playbook_bin) for case in cases]
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results.append(result)
            status = "ok  " if result.ok else "FAIL"
            print(f"{status} {result.case.id} ({result.seconds:.1f} s)", flush=True)
            if not result.ok:
                for problem in result.problems:
                    print(f"     - {problem}", flush=True)
                print("     --- last lines of the output ---", flush=True)
                for line in result.output.strip().splitlines()[-40:]:
                    print(f"     | {line}", flush=True)
            elif args.verbose:
                print(result.output, flush=True)
    wall = time.monotonic() - start
    failed = sorted(r.case.id for r in results if not r.ok)
    busy = sum(r.seconds for r in results)
    print(
        f"bad_inputs: {len(results)} cases, {len(results) - len(failed)} passed, "
        f"{len(failed)} failed in {wall:.1f} s wall ({busy:.1f} s of runs, {args.jobs} workers)"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
