"""The base of the ``nasbound`` subcommands (a registry of small command classes).

Each subcommand is a :class:`Command` with a name, a help line, ``add_arguments`` and
``run``; ``paper.cli`` lists them. Kept apart from ``paper.cli`` so that command modules
(``paper.stats_command``, ``paper.search_command``) can subclass it without importing the
entry point.
"""

from __future__ import annotations

import argparse
import json
import sys
from abc import ABC, abstractmethod
from typing import Any, ClassVar

__all__ = ["Command", "emit_json"]


def emit_json(payload: Any) -> None:
    """Print ``payload`` as indented JSON on standard output."""
    json.dump(payload, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


class Command(ABC):
    name: ClassVar[str]
    help: ClassVar[str]

    @abstractmethod
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    @abstractmethod
    def run(self, args: argparse.Namespace, extra: list[str]) -> int: ...

    accepts_extra: ClassVar[bool] = False
