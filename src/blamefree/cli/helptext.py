"""`--help` in words people use: TEXT, DATE, P0|P1|P2|P3 and ID..., never Python types.

Typer describes a parameter by its annotation (``<bool>``, ``<list[Path]>``) and a required
argument as ``{name}``. ``humanize`` walks a built command tree once and gives every parameter a
plain metavar, so the help screens and docs/cli.md speak the user's language.
"""

from __future__ import annotations

import datetime as dt
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

MAX_CHOICES_SHOWN = 6
"""Longer enumerations show a name as metavar and list their values in the help text."""

_WORDS: dict[Any, str] = {
    str: "TEXT",
    int: "N",
    float: "NUMBER",
    Path: "PATH",
    dt.date: "DATE",
    dt.datetime: "TIME",
}


_BY_OPTION = {
    "--date": "DATE",
    "--due": "DATE",
    "--at": "TIME",
    "--since": "TIME",
    "--until": "TIME",
    "--now": "TIME",
    "--due-within": "WINDOW",
    "--upcoming": "WINDOW",
    "--db": "URL",
    "--tz": "ZONE",
    "--output": "FILE",
    "--config": "FILE",
    "--owner": "NAME",
    "--by": "NAME",
    "--actor": "NAME",
    "--link": "URL",
    "--email": "ADDRESS",
    "--slack": "HANDLE",
    "--id": "ID",
    "--incident": "ID",
}
"""Options whose value has a name more telling than its type."""


class HumanArgument(TyperArgument):
    """An argument shown by its metavar alone, ``ID`` or ``[ID]`` in the usage line."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


class HumanOption(TyperOption):
    """An option shown with its metavar (``--due DATE``), and a flag with nothing after it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return self.metavar


def _annotation(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if typing.get_origin(annotation) in (list, tuple):
        annotation = typing.get_args(annotation)[0]
    return annotation


def _choices(annotation: Any) -> list[str] | None:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    return None


def _option_metavar(param: TyperOption) -> str:
    for opt in param.opts:
        if opt in _BY_OPTION:
            return _BY_OPTION[opt]
    annotation = _annotation(param)
    choices = _choices(annotation)
    if choices is not None:
        if len(choices) <= MAX_CHOICES_SHOWN:
            return "|".join(choices)
        listed = ", ".join(choices)
        if param.help and listed not in param.help:
            param.help = f"{param.help.rstrip()} One of: {listed}."
        return (param.name or "value").upper()
    return _WORDS.get(annotation, "VALUE")


def _humanize_param(param: object) -> None:
    if isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "value").upper()
        param.__class__ = HumanArgument
    elif isinstance(param, TyperOption):
        if param.metavar is None and not (param.is_flag or param.count):
            param.metavar = _option_metavar(param)
        param.__class__ = HumanOption


def humanize(command: Any, ctx: typer.Context | None = None) -> Any:
    """Give every parameter of ``command`` and its subcommands a plain metavar (idempotent)."""
    # The contexts carry the command's settings (help option names: -h as well as --help).
    context = ctx or typer.Context(command, **command.context_settings)
    params = list(command.params)
    help_option = command.get_help_option(context)
    if help_option is not None:
        params.append(help_option)
    for param in params:
        _humanize_param(param)
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            humanize(
                sub, typer.Context(sub, parent=context, info_name=name, **sub.context_settings)
            )
    return command
