# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What to do with a wg-quick tunnel whose file is about to change: pure functions, no I/O.

The wg_quick_tunnels module reads the installed files and the units' states, asks
plan_tunnel() for each tunnel, and then acts. Kept apart so the rules are unit-tested.

The rules, from what wg-quick and wg can change on a running interface:

- MTU: ``ip link set dev X mtu N`` applies it live.
- The peer list and keys (PrivateKey, ListenPort, FwMark, every [Peer] key): ``wg syncconf``
  applies the stripped file live, with one known gap in wireguard-tools 1.0.20210914: a
  PersistentKeepalive that the new file drops (or sets to 0/off) is not removed from the running
  peer, nor does a dropped Endpoint or PresharedKey. Such changes restart the tunnel, so the
  running state never differs from the file.
- Anything else in [Interface] (Address, Table, DNS, PostUp and the other hooks, SaveConfig) only
  takes effect when wg-quick brings the interface up: restart.
"""

import re

# [Interface] keys that `wg syncconf` applies from `wg-quick strip` output.
SYNCCONF_INTERFACE_KEYS = frozenset(("privatekey", "listenport", "fwmark"))
# Values wg accepts for "no keepalive".
_KEEPALIVE_OFF = frozenset(("", "0", "off"))
# Lines whose value is a secret: never shown in a diff.
_SECRET_KEYS = frozenset(("privatekey", "presharedkey"))
_SECRET_LINE = re.compile(
    r"^(\s*(?:PrivateKey|PresharedKey)\s*=\s*)\S.*$", re.IGNORECASE | re.MULTILINE
)


def parse(text):
    """Parse a wg-quick file into {'interface': {key: [values]}, 'peers': [{key: [values]}]}.

    Keys are lower-cased (wg-quick reads them case-insensitively); comments and blank lines are
    dropped, so a change of a comment alone is not a change of the tunnel.
    """
    interface = {}
    peers = []
    section = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip().lower()
            if name == "peer":
                peers.append({})
                section = peers[-1]
            elif name == "interface":
                section = interface
            else:
                section = None
            continue
        if section is None or "=" not in line:
            continue
        key, value = line.split("=", 1)
        section.setdefault(key.strip().lower(), []).append(value.strip())
    return {"interface": interface, "peers": peers}


def _keepalive(peer):
    values = peer.get("persistentkeepalive", [""])
    return values[-1].lower()


def _peer_key(peer):
    return peer.get("publickey", [""])[-1]


def plan_tunnel(old_text, new_text, active):
    """Decide how to bring a tunnel from its installed file to the new one.

    old_text: the installed file (None when there is none); new_text: the wanted file;
    active: whether its unit runs now. Returns a dict:
      action: 'none' | 'start' | 'restart' | 'live'
      write:  whether the file must be written
      mtu:    the MTU to set live (action 'live' only), or None
      syncconf: whether `wg syncconf` must run (action 'live' only)
      reason: a short, secret-free explanation for the report
    """
    write = old_text != new_text
    result = {
        "action": "none",
        "write": write,
        "mtu": None,
        "syncconf": False,
        "reason": "unchanged",
    }
    if not active:
        result.update(action="start", reason="not running")
        return result
    if not write:
        return result
    if old_text is None:
        result.update(action="restart", reason="no installed file")
        return result
    old, new = parse(old_text), parse(new_text)
    if old == new:
        result.update(reason="only comments changed")
        return result

    old_if, new_if = old["interface"], new["interface"]
    for key in sorted(set(old_if) | set(new_if)):
        if key == "mtu" or key in SYNCCONF_INTERFACE_KEYS:
            continue
        if old_if.get(key) != new_if.get(key):
            shown = key if key not in _SECRET_KEYS else "a key"
            result.update(action="restart", reason=f"[Interface] {shown} changed")
            return result

    new_peers = dict((_peer_key(p), p) for p in new["peers"])
    for peer in old["peers"]:
        kept = new_peers.get(_peer_key(peer))
        if kept is None:
            continue
        if _keepalive(peer) not in _KEEPALIVE_OFF and _keepalive(kept) in _KEEPALIVE_OFF:
            # wg syncconf leaves the old keepalive running: only a restart removes it.
            result.update(action="restart", reason="PersistentKeepalive removed")
            return result
        dropped = sorted(k for k in peer if k != "persistentkeepalive" and k not in kept)
        if dropped:
            # wg syncconf only sets what the file names: a dropped Endpoint or PresharedKey
            # would stay on the running peer.
            shown = ", ".join(k if k not in _SECRET_KEYS else "a key" for k in dropped)
            result.update(action="restart", reason=f"[Peer] {shown} removed")
            return result

    syncconf = old["peers"] != new["peers"] or any(
        old_if.get(k) != new_if.get(k) for k in SYNCCONF_INTERFACE_KEYS
    )
    mtu = None
    if old_if.get("mtu") != new_if.get("mtu"):
        values = new_if.get("mtu")
        if not values:
            # No MTU in the file: wg-quick computes one at start, which only a restart repeats.
            result.update(action="restart", reason="MTU removed")
            return result
        mtu = values[-1]
    result.update(action="live", mtu=mtu, syncconf=syncconf, reason="applied live")
    return result


def redact(text):
    """The file with the values of PrivateKey and PresharedKey replaced, for diffs and logs."""
    if text is None:
        return ""
    return _SECRET_LINE.sub(r"\1<redacted>", text)


def is_managed(text, marker):
    """Whether a file carries the marker line near its top (only such files are ever removed)."""
    return any(line.startswith(marker) for line in text.splitlines()[:5])
