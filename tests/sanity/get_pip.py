"""Stand-in for get-pip.py, which ansible-test downloads to bootstrap pip in its sanity venvs.

ansible-test creates each sanity test's virtualenv without pip, then runs the cached
``~/.ansible/test/cache/get_pip_<version>.py`` (fetched from a host this project cannot reach)
as ``python get_pip_<version>.py [pip install arguments] --no-setuptools --no-wheel``.
tests/sanity/setup.sh copies this file to that path.  It does the same job from what the
interpreter already has: ``ensurepip`` installs the pip bundled with Python, which then
installs the pip version ansible-test asked for.  It only runs while setup.sh primes the
sanity virtualenvs (with the package index reachable); ``make sanity`` itself never needs it.
"""

from __future__ import annotations

import subprocess
import sys

DROPPED = ("--no-setuptools", "--no-wheel")


def main() -> int:
    """Install pip into the running interpreter, then the requested packages with it."""
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    python = sys.executable
    steps = [
        [python, "-m", "ensurepip", "--default-pip"],
        [python, "-m", "pip", "install", "--upgrade", *args],
        # ensurepip also installs setuptools; get-pip.py with --no-setuptools would not.
        [python, "-m", "pip", "uninstall", "--yes", "--quiet", "setuptools"],
    ]
    for step in steps:
        code = subprocess.call(step)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
