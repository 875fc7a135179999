"""Success criteria as shown by `actions criteria` and `show`: the author's tick beside the data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.console import Console
from rich.table import Table
from rich.text import Text

from blamefree.cli.console import plain


class ShownCriterion(Protocol):
    """What the table shows of a criterion: a domain ``CriterionState`` or a ``CriterionRead``
    (as a server answers it) alike."""

    @property
    def text(self) -> str: ...
    @property
    def written(self) -> bool: ...
    @property
    def derived(self) -> bool | None: ...
    @property
    def disagrees(self) -> bool: ...
    @property
    def evaluated(self) -> bool: ...
    @property
    def reason(self) -> str: ...


def criteria_table(console: Console, states: Sequence[ShownCriterion], *, title: str) -> None:
    """One row per criterion: the tick as written, the data's verdict, and why."""
    table = Table(title=title, title_justify="left")
    for column in ("#", "Criterion", "Ticked", "Data", "How"):
        table.add_column(column)
    for number, state in enumerate(states, start=1):
        ticked = Text("[x]" if state.written else "[ ]")
        if state.derived is None:
            data = Text("—")
        else:
            data = Text("met" if state.derived else "not met", style="green")
            if state.disagrees:
                data = Text(f"{'met' if state.derived else 'not met'} (disagrees)", style="yellow")
        how = plain(state.reason) if state.evaluated else plain("by hand")
        table.add_row(str(number), plain(state.text), ticked, data, how)
    console.print(table)
