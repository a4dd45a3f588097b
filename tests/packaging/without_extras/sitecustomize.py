"""Loaded by a test's subprocess (on its PYTHONPATH): the top-level modules named in
``HIDE_MODULES`` (comma-separated) cannot be imported, as in an install without their extra."""

import os
import sys
from importlib.abc import MetaPathFinder

HIDDEN = frozenset(filter(None, os.environ.get("HIDE_MODULES", "").split(",")))


class Hidden(MetaPathFinder):
    """Refuses the hidden modules before any other finder looks for them."""

    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Hidden())
