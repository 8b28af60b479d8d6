"""How a batch command (``charkh import``, ``charkh export``) shows its progress.

On a terminal: rich's bar with n/N, the rate and the time left, each item's outcome printed
above it. Anywhere else (a log, a pipe, CI): one plain numbered line per item, because a bar
redrawn in a file is noise. rich is a maintained library; the bar is not ours to keep.
"""
from __future__ import annotations

from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Items per second; rich's own speed column counts bytes."""

    def __init__(self, noun: str) -> None:
        super().__init__()
        self.noun = noun

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} {self.noun}/s" if speed else f"- {self.noun}/s", style="progress.data.speed")


class BatchProgress:
    """Counts a batch of ``total`` items and shows each one's outcome line.

    bar: the terminal to draw the bar on, or None for no bar.
    out, err: where outcome lines go without a bar (failures to err); with a bar they are
    printed above it, on the bar's terminal.
    lines: whether to show outcome lines at all (not when stdout is a JSON document).
    """

    def __init__(self, total: int, verb: str, noun: str, bar: TextIO | None, out: TextIO, err: TextIO,
                 lines: bool = True) -> None:
        self.total = total
        self.count = 0
        self.out, self.err = out, err
        self.lines = lines
        self._bar: Progress | None = None
        if bar is not None:
            self._bar = Progress(TextColumn(verb), BarColumn(), MofNCompleteColumn(), _RateColumn(noun),
                                 TextColumn("ETA"), TimeRemainingColumn(),
                                 console=Console(file=bar, force_terminal=True, highlight=False))
            self._task = self._bar.add_task(verb, total=total)

    def __enter__(self) -> BatchProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def done(self, line: str | None, failed: bool = False) -> None:
        """One item is done; ``line`` (if any) says how it went."""
        self.count += 1
        if self._bar is not None:  # first, so the bar drawn under the line counts this item
            self._bar.advance(self._task)
        if line is None or not self.lines:
            return
        text = f"[{self.count}/{self.total}] {line}"
        if self._bar is not None:
            self._bar.console.print(text, markup=False, style="red" if failed else None, soft_wrap=True)
            self._bar.refresh()
        else:
            print(text, file=self.err if failed else self.out, flush=True)
