"""Typed definitions of what editors write in YAML: one dataclass gives the validation, the messages and the docs.

A field's `metadata` holds `doc` (what it means, in Chinese: editors read it in the guide's reference and in the
error for a missing key) and `required`. `convert()` turns parsed YAML into the dataclass, reporting every
problem with file, line and field; `document()` describes its keys for the guide (content/reference.py).
A field named after a Python keyword ends in `_` and is written without it (`from_` is `from:`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import types
import typing
from pathlib import Path
from typing import Any

from chamberpress.chinese import parse_date
from chamberpress.errors import Problems
from chamberpress.content.sources import YamlDoc
from chamberpress.i18n import _

MISSING = dataclasses.MISSING

YES = {"是", "y", "yes", "true", "1", "对", "公开"}
NO = {"否", "n", "no", "false", "0", "不", "不公开"}


def spec(doc: str, *, required: bool = False, default: Any = None, factory: Any = None) -> Any:
    """A documented field; required ones have no default."""
    meta = {"doc": doc, "required": required}
    if required:
        return dataclasses.field(metadata=meta)
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("{value!r} is not yes or no").format(value=value))


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return _("a set of keys")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, bool):
        return _("yes/no")
    return repr(value)


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _(" or ").join(_type_name(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is list:
        return _("a list of {items}").format(items=_type_name(typing.get_args(tp)[0]))
    if dataclasses.is_dataclass(tp):
        return _("keys: {keys}").format(keys=", ".join(f.name for f in dataclasses.fields(tp) if f.init))
    return {
        str: _("text"),
        int: _("a whole number"),
        bool: _("yes or no (true/false)"),
        dt.date: _("a date such as 2026-05-21"),
        float: _("a number"),
    }.get(tp, str(tp))


class _Invalid(Exception):
    pass


def _convert(tp: Any, value: Any, at: tuple, ctx: "_Context") -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, at, ctx)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if value is None:
            return []
        if not isinstance(value, list):
            if item_tp is str and isinstance(value, (str, int, float)):
                return [str(value)]
            ctx.fail(at, _("expected {kind}, found {value}").format(kind=_type_name(tp), value=_describe(value)))
        out = []
        for index, item in enumerate(value):
            try:
                out.append(_convert(item_tp, item, at + (index,), ctx))
            except _Invalid:
                pass
        return out
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            ctx.fail(at, _("expected {kind}, found {value}").format(kind=_type_name(tp), value=_describe(value)))
        return _convert_dataclass(tp, value, at, ctx)
    if value is None:
        ctx.fail(at, _("is empty, expected {kind}").format(kind=_type_name(tp)))
    if tp is str:
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            ctx.fail(at, _("expected text, found {value}").format(value=_describe(value)))
        return str(value).strip() if not isinstance(value, str) else value.strip()
    if tp is int:
        if isinstance(value, bool):
            ctx.fail(at, _("expected a whole number, found {value}").format(value=_describe(value)))
        try:
            return int(str(value).replace(",", "").strip())
        except ValueError:
            ctx.fail(at, _("expected a whole number, found {value}").format(value=_describe(value)))
    if tp is bool:
        try:
            return parse_bool(value)
        except ValueError:
            ctx.fail(at, _("expected yes or no (true/false), found {value}").format(value=_describe(value)))
    if tp is dt.date:
        if isinstance(value, dt.date):
            return value
        if isinstance(value, (dict, list)):
            ctx.fail(at, _("expected a date such as 2026-05-21, found {value}").format(value=_describe(value)))
        try:
            return parse_date(str(value))
        except ValueError as exc:
            ctx.fail(at, f"{exc}", expected=_("a real date such as 2026-05-21"))
    return value


@functools.lru_cache(maxsize=None)
def _shape(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field]]:
    """A definition's field types and fields, worked out once: the string annotations are evaluated
    again on every call of get_type_hints (once per post's front matter)."""
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls) if f.init}


def _convert_dataclass(cls: type, data: dict, at: tuple, ctx: "_Context") -> Any:
    hints, fields = _shape(cls)
    values: dict[str, Any] = {}
    for key in data:
        if str(key) not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
            hint = (
                _("did you mean {key!r}?").format(key=close[0])
                if close
                else _("allowed: {keys}").format(keys=", ".join(fields))
            )
            ctx.fail_soft(at + (key,), _("unknown key"), expected=hint)
    failed = False
    for name, f in fields.items():
        if name not in data or (data[name] is None and f.metadata.get("required")):
            if f.metadata.get("required"):
                ctx.fail_soft(
                    at + (name,),
                    _("is required but missing"),
                    expected=_(f.metadata["doc"]),
                )
                failed = True
            continue
        try:
            values[name] = _convert(hints[name], data[name], at + (name,), ctx)
        except _Invalid:
            failed = True
    if failed:
        raise _Invalid()
    return cls(**values)


@dataclasses.dataclass
class _Context:
    doc: YamlDoc
    path: Path
    problems: Problems
    prefix: tuple = ()
    failed: bool = False

    def fail_soft(self, at: tuple, message: str, *, expected: str | None = None) -> None:
        self.failed = True
        field = ".".join(str(p) for p in self.prefix + at)
        self.problems.error(self.path, message, line=self.doc.line(*at), field=field or None, expected=expected)

    def fail(self, at: tuple, message: str, *, expected: str | None = None) -> typing.NoReturn:
        self.fail_soft(at, message, expected=expected)
        raise _Invalid()


def convert(cls: type, doc: YamlDoc, path: Path, problems: Problems) -> Any | None:
    """The dataclass built from the YAML document, or None after reporting every problem."""
    ctx = _Context(doc, path, problems)
    if not isinstance(doc.data, dict):
        problems.error(
            path, _("expected keys and values, found {value}").format(value=_describe(doc.data)), line=doc.line()
        )
        return None
    try:
        result = _convert_dataclass(cls, doc.data, (), ctx)
    except _Invalid:
        return None
    return None if ctx.failed else result


# The kinds of value as the guide names them for editors.
KIND_NAMES = {str: "文字", int: "整数", bool: "是/否", dt.date: "日期", float: "数字"}


@dataclasses.dataclass(frozen=True)
class KeyDoc:
    """One key of a definition as the guide's reference shows it."""

    key: str  # as written in YAML: `from`, not `from_`
    kind: str  # 文字, 整数, 是/否, 日期, 文字列表, 一组键 …
    required: bool
    default: tuple[str, ...]  # as an editor would write it (a list's items); () when none, or told in `meaning`
    meaning: str
    keys: type | None  # the definition of the value (or of each item of the list) when it holds keys


def key_name(name: str) -> str:
    """The YAML key of a field: `from_` (a Python keyword) is written `from`."""
    return name.rstrip("_")


def _kind(tp: Any) -> tuple[str, type | None]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _kind(next(a for a in typing.get_args(tp) if a is not type(None)))
    if origin is list:
        kind, keys = _kind(typing.get_args(tp)[0])
        return ("列表，每项是一组键" if keys else f"{kind}列表"), keys
    if dataclasses.is_dataclass(tp):
        return "一组键", tp
    return KIND_NAMES.get(tp, str(tp)), None


def _default(f: dataclasses.Field) -> tuple[str, ...]:
    value = f.default_factory() if f.default_factory is not MISSING else f.default
    if value is MISSING or value is None or dataclasses.is_dataclass(value):
        return ()
    if isinstance(value, bool):
        return ("是" if value else "否",)
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    return (str(value),)


def document(cls: type) -> list[KeyDoc]:
    """Every key a definition accepts, in its order: what the loader reads is what the guide lists."""
    hints, fields = _shape(cls)
    docs = []
    for name, f in fields.items():
        kind, keys = _kind(hints[name])
        required = bool(f.metadata.get("required"))
        docs.append(KeyDoc(key_name(name), kind, required, _default(f), f.metadata.get("doc", ""), keys))
    return docs
