"""Parameter rules as data, and validated frozen configs for problems and solvers.

A config is a frozen dataclass; its class attribute ``RULES`` lists :class:`Rule` objects,
each the rule as written plus a predicate. ``validate`` runs them once at the boundary and
raises :class:`theory.errors.InvalidParameterError` naming the rule and the values given
(STYLE.md patterns 5 and 6; after scikit-learn's ``_param_validation``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from theory.errors import InvalidParameterError

__all__ = ["Config", "Rule", "choices", "config_from_mapping"]


@dataclass(frozen=True)
class Rule:
    """One parameter rule: its text, the fields it reads, and the predicate."""

    text: str
    fields: tuple[str, ...]
    predicate: Callable[[Any], bool]
    why: str = ""

    def check(self, config: Any) -> None:
        if not self.predicate(config):
            given = ", ".join(f"{name}={getattr(config, name)!r}" for name in self.fields)
            raise InvalidParameterError(self.text, given, self.why)


def choices(name: str, allowed: tuple[str, ...]) -> Rule:
    """The rule ``name in {allowed}``."""
    return Rule(f"{name} in {{{', '.join(allowed)}}}", (name,),
                lambda c: getattr(c, name) in allowed)


@dataclass(frozen=True)
class Config:
    """Base of every problem and solver config: validated on construction."""

    RULES: ClassVar[tuple[Rule, ...]] = ()

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            type_name = _type_name(f)
            if type_name == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidParameterError(f"{f.name} is an integer", f"{f.name}={value!r}")
            if type_name == "float":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise InvalidParameterError(f"{f.name} is a number", f"{f.name}={value!r}")
                if not math.isfinite(value):
                    raise InvalidParameterError(f"{f.name} is finite", f"{f.name}={value!r}")
                object.__setattr__(self, f.name, float(value))
            if type_name == "str" and not isinstance(value, str):
                raise InvalidParameterError(f"{f.name} is a string", f"{f.name}={value!r}")
            if type_name == "bool" and not isinstance(value, bool):
                raise InvalidParameterError(f"{f.name} is true or false", f"{f.name}={value!r}")
        for rule in self.RULES:
            rule.check(self)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def field_help(cls) -> dict[str, str]:
        return {f.name: str(f.metadata.get("help", "")) for f in dataclasses.fields(cls)}


C = TypeVar("C", bound=Config)


def _type_name(f: dataclasses.Field[Any]) -> str:
    return f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "str")

_CASTS: dict[str, Callable[[str], Any]] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": lambda s: {"true": True, "1": True, "yes": True, "false": False, "0": False,
                       "no": False}[s.lower()],
}


def config_from_mapping(cls: type[C], values: Mapping[str, Any], what: str) -> C:
    """Build ``cls`` from strings or values; unknown names and bad casts raise clearly."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise InvalidParameterError(
            f"every parameter of {what} is one of {sorted(fields)}", f"unknown {unknown}"
        )
    kwargs: dict[str, Any] = {}
    for name, raw in values.items():
        type_name = _type_name(fields[name])
        cast = _CASTS.get(type_name, str)
        if isinstance(raw, str):
            try:
                kwargs[name] = cast(raw)
            except (ValueError, KeyError):
                article = {"int": "an integer", "float": "a number", "bool": "true or false"}
                raise InvalidParameterError(
                    f"{name} is {article.get(type_name, 'a ' + type_name)}", f"{name}={raw!r}"
                ) from None
        else:
            kwargs[name] = raw
    return cls(**kwargs)
