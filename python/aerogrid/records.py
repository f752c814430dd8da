"""Typed records (a minimal dataclass) and the JSON encoding the SDK uses everywhere."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import enum
import json
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple, TypeVar

R = TypeVar("R", bound="Record")

_MISSING: Any = object()

# Column types a client (the Portal's live view) can rely on.
_COLUMN_TYPES: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    decimal.Decimal: "number",
    str: "string",
    dt.datetime: "datetime",
    dt.date: "date",
}
_COLUMN_TYPES_BY_NAME = {t.__name__: name for t, name in _COLUMN_TYPES.items()}


class _Field(NamedTuple):
    name: str
    type: Any
    default: Any


class Record:
    """Base class for typed records declared with class annotations.

    ```
    class Order(Record):
        id: int
        customer: str
        quantity: int = 1
    ```

    The constructor takes keyword arguments only; fields without a default are
    required, unknown names are a ``TypeError``; mutable defaults are copied per
    instance. ``ClassVar`` annotations and names starting with ``_`` are not fields.
    """

    __record_fields__: ClassVar[dict[str, _Field]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls.__record_fields__)  # inherited fields first, in order
        own = cls.__dict__.get("__annotations__", {})
        try:
            resolved = typing.get_type_hints(cls)
        except Exception:  # an unresolvable forward reference: keep the raw annotations
            resolved = {}
        for name, annotation in own.items():
            hint = resolved.get(name, annotation)
            if name.startswith("_") or _is_classvar(hint):
                continue
            fields[name] = _Field(name, hint, cls.__dict__.get(name, _MISSING))
        cls.__record_fields__ = fields

    def __init__(self, **values: Any) -> None:
        fields = type(self).__record_fields__
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unknown field(s): {', '.join(unknown)}")
        for name, field in fields.items():
            if name in values:
                value = values[name]
            elif field.default is not _MISSING:
                value = copy.copy(field.default) if isinstance(field.default, (list, dict, set)) else field.default
            else:
                raise TypeError(f"{type(self).__name__}() missing required field {name!r}")
            setattr(self, name, value)

    @classmethod
    def columns(cls) -> list[dict[str, str]]:
        """The fields as ``[{"name", "type"}]``; types are integer, number, string, boolean, datetime, date, array or object."""
        return [{"name": f.name, "type": column_type(f.type)} for f in cls.__record_fields__.values()]

    def to_dict(self) -> dict[str, Any]:
        """The field values as a new dict (nested records become dicts too)."""
        return {name: _plain(getattr(self, name)) for name in type(self).__record_fields__}

    @classmethod
    def from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
        """Build a record from a mapping such as parsed JSON.

        Keys that are not fields are ignored. Values are converted where the
        annotation asks for it (``"3"`` or ``3.0`` to ``int``, ``3`` to ``float``,
        ISO strings to ``datetime``/``date``, dicts to nested records); a value that
        cannot be converted raises ``ValueError`` naming the field.
        """
        values = {}
        for name, field in cls.__record_fields__.items():
            if name in data:
                try:
                    values[name] = _coerce(data[name], field.type)
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"{cls.__name__}.{name}: {exc}") from exc
        return cls(**values)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # records are mutable

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name, '?')!r}" for name in type(self).__record_fields__)
        return f"{type(self).__name__}({inner})"


def column_type(annotation: Any) -> str:
    """The column type name a client sees for a field annotation."""
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, str):
        base = annotation.split("[", 1)[0].strip()
        if base in ("list", "tuple", "set", "List", "Tuple", "Set"):
            return "array"
        return _COLUMN_TYPES_BY_NAME.get(base, "object")
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return "array"
    if isinstance(annotation, type):
        if annotation in _COLUMN_TYPES:
            return _COLUMN_TYPES[annotation]
        if issubclass(annotation, enum.Enum):
            return "string"
        if issubclass(annotation, (list, tuple, set, frozenset)):
            return "array"
    return "object"


def dumps(value: Any) -> str:
    """JSON text for ``value``; also encodes records, dates, decimals, enums, sets and tuples."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _is_classvar(hint: Any) -> bool:
    if isinstance(hint, str):
        return hint.startswith(("ClassVar", "typing.ClassVar"))
    return hint is ClassVar or typing.get_origin(hint) is ClassVar


def _unwrap_optional(annotation: Any) -> Any:
    """``Optional[X]`` / ``X | None`` -> ``X``."""
    if isinstance(annotation, str):
        text = annotation.strip()
        if text.startswith("Optional[") and text.endswith("]"):
            return text[len("Optional[") : -1]
        parts = [p.strip() for p in text.split("|")]
        rest = [p for p in parts if p != "None"]
        return rest[0] if len(rest) == 1 else text
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _coerce(value: Any, annotation: Any) -> Any:
    target = _unwrap_optional(annotation)
    if value is None or typing.get_origin(target) is not None or not isinstance(target, type):
        return value
    if isinstance(value, bool) and target in (int, float):
        raise ValueError(f"expected {target.__name__}, got a boolean")
    if isinstance(value, target):
        return value
    if target is float and isinstance(value, (int, str)):
        return float(value)
    if target is int and isinstance(value, str):
        return int(value)
    if target is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if target is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if target is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if issubclass(target, Record) and isinstance(value, Mapping):
        return target.from_dict(value)
    if issubclass(target, enum.Enum):
        return target(value)
    return value
