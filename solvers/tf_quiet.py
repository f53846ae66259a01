"""TensorFlow imported without its C++ banners, wherever it is first imported.

TensorFlow 2.21 prints, on its first import, an oneDNN notice and an absl warning straight
to file descriptor 2 (``TF_CPP_MIN_LOG_LEVEL`` does not silence them). :func:`install` puts
a finder at the front of ``sys.meta_path`` that, on the first ``import tensorflow`` anywhere
in the process, imports it with descriptor 2 sent to ``os.devnull`` and then removes itself:
no module changes how it imports TensorFlow, and TensorFlow is still imported only where it
is used. ``nasbound`` installs it unless ``-v`` (``NASBOUND_VERBOSE``); pool workers send
their standard error to the store's ``.logs`` instead (``solvers.lab``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType

__all__ = ["install", "quiet_import"]


def quiet_import(name: str = "tensorflow") -> ModuleType:
    """Import ``name`` with file descriptor 2 silenced for the duration of the import."""
    if name in sys.modules:
        return sys.modules[name]
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        return importlib.import_module(name)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


class _Loaded(importlib.abc.Loader):
    """Hands the import system the module :func:`quiet_import` already executed."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        pass


class _QuietTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: the real import below must not come back here
        module = quiet_import("tensorflow")
        return importlib.util.spec_from_loader(fullname, _Loaded(module),
                                               origin=getattr(module, "__file__", None))


def install() -> None:
    """Silence TensorFlow's first import in this process (idempotent; no-op once loaded)."""
    if "tensorflow" in sys.modules or any(isinstance(f, _QuietTensorFlow)
                                          for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietTensorFlow())
