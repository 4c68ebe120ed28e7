"""Make ``ansible_collections.hobbynet.infra`` importable for the unit tests.

The repository root is the collection root.  Ansible (and these tests) find it
through ``<repo>/.cache/collections/ansible_collections/hobbynet/infra``, a
symlink to the repository root.  If the symlink is missing it is created here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".cache" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "hobbynet" / "infra"


def _ensure_collection_link() -> None:
    if LINK.is_symlink() and not LINK.exists():
        raise pytest.UsageError(f"{LINK} is a broken symlink; remove it and rerun the tests")
    if not LINK.exists():
        try:
            LINK.parent.mkdir(parents=True, exist_ok=True)
            LINK.symlink_to(os.path.relpath(REPO, LINK.parent), target_is_directory=True)
        except OSError as exc:
            raise pytest.UsageError(
                f"cannot create the collection symlink {LINK} -> {REPO}: {exc}"
            ) from exc
    if LINK.resolve() != REPO:
        raise pytest.UsageError(
            f"{LINK} points to {LINK.resolve()}, not to this checkout {REPO}; fix or remove it"
        )


_ensure_collection_link()
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

# Keep the property tests fast and reproducible: a fixed example budget, no
# wall-clock deadline (CI machines vary), derandomized so failures are stable.
settings.register_profile(
    "hobbynet",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hobbynet"))
