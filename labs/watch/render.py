"""The lines each watch event prints (labs/watch/events.py), styled; command.py puts them on the console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from labs.checks.render import SYMBOLS
from labs.watch import events

Lines = list[Text]


def _note(event: events.Note) -> Lines:
    return [Text(event.text, style=event.style)]


def _problem(event: events.Problem) -> Lines:
    return [Text.assemble(("✘ ", "red"), event.text)]


def _not_parsing(event: events.NotParsing) -> Lines:
    found: Lines = []
    for problem in event.problems:
        where = f"{problem.path} line {problem.line}"
        found.append(Text.assemble(("✘ ", "red"), (where, "bold"), f": SyntaxError: {problem.message}"))
        found += [Text(f"    {problem.text}", style="dim")] if problem.text else []
    found.append(Text("  not uploaded: the functions keep their last code; fix it and save again"))
    return found


def _refused(event: events.Refused) -> Lines:
    return [
        Text.assemble(("✘ ", "red"), event.text),
        Text("  not uploaded: `cdk deploy` refuses it too; the functions keep their last code"),
    ]


def _unchanged(event: events.Unchanged) -> Lines:
    return [Text(f"= {event.functions} run this code already (CodeSha256 {event.code_sha256[:12]}…)")]


def _live(event: events.Live) -> Lines:
    undo = f"; back to the code of {event.back_to}" if event.back_to else ""
    state = "live" if event.confirmed else "uploaded, but Lambda reports another CodeSha256"
    return [
        Text.assemble(
            ("✔ " if event.confirmed else "✘ ", "green" if event.confirmed else "red"),
            (f"{state} in {event.seconds:.2f} s", "bold"),
            f": {event.why} → {', '.join(event.functions)} (CodeSha256 {event.code_sha256[:12]}…{undo})",
        )
    ]


def _exercising(event: events.Exercising) -> Lines:
    return [Text(f"→ {event.says}", style="cyan")]


def _exercised(event: events.ExerciseDone) -> Lines:
    result = f": {event.result}" if event.result else ""
    return [Text.assemble(("  ✘ " if event.failed else "  ", "red"), event.did, result)]


def _function_log(event: events.NewLogLines) -> Lines:
    if not event.lines:
        return [Text("  the function logged nothing")]
    return [Text("  the function's log:", style="bold"), *(Text(f"  │ {line}") for line in event.lines)]


def _handler_failed(event: events.HandlerFailed) -> Lines:
    error = event.error
    where = f" at {error.where}" if error.where else ""
    head = Text.assemble(
        ("✘ the handler failed", "bold red"), (where, "bold"), f": {error.kind}: {error.message}"
    )
    return [head, *(Text(f"    {line.strip()}", style="dim") for line in error.last_lines)]


def _graded(event: events.Graded) -> Lines:
    graded: Lines = [Text(f"  labkit check {event.lab_id}, the function's items:", style="bold")]
    for item in event.items:
        symbol, style = SYMBOLS[item.outcome]
        graded.append(Text.assemble(f"   {symbol} ", (item.name, style), " — ", item.detail))
        graded += [Text.assemble("       hint: ", (item.hint, "cyan"))] if item.hint else []
    graded.append(Text(f"  (the whole check: {event.counts})", style="dim"))
    return graded


def _redeploying(event: events.Redeploying) -> Lines:
    return [Text.assemble(("↻ ", "yellow"), event.reason), Text(f"  {event.command}", style="cyan")]


def _deploy_output(event: events.DeployOutput) -> Lines:
    return [Text(f"  │ {event.text}", style="dim")] if event.text.strip() else []


def _redeployed(event: events.Redeployed) -> Lines:
    if event.ok:
        return [Text.assemble(("✔ ", "green"), f"deployed in {event.seconds:.0f} s")]
    return [Text.assemble(("✘ ", "red"), "the deploy failed (its output is above); the watch goes on")]


def _drift(event: events.Drift) -> Lines:
    if event.reconciled:
        return [Text(f"{event.stack_name}'s functions run its template's code again (the watch put it back)")]
    return [
        Text(
            f"{event.stack_name} has drifted from its template: its functions run code the template does not "
            "name. Reconcile it before `labkit check` grades it:"
        ),
        Text(f"  {event.command}", style="cyan"),
    ]


RENDERERS: dict[type, Callable[[Any], Lines]] = {
    events.Note: _note,
    events.Problem: _problem,
    events.NotParsing: _not_parsing,
    events.Refused: _refused,
    events.Unchanged: _unchanged,
    events.Live: _live,
    events.Exercising: _exercising,
    events.ExerciseDone: _exercised,
    events.NewLogLines: _function_log,
    events.HandlerFailed: _handler_failed,
    events.Graded: _graded,
    events.Redeploying: _redeploying,
    events.DeployOutput: _deploy_output,
    events.Redeployed: _redeployed,
    events.Drift: _drift,
}


def lines_of(event: events.Event) -> Lines:
    """The lines an event prints."""
    return RENDERERS[type(event)](event)
