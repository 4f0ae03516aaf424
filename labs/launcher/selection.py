"""Which stacks a CDK CLI call selects, so app.py builds only those: one lab's synth costs one lab.

The launcher reads the command line with the pinned CLI's own table of commands and options
(node_modules/aws-cdk/lib/cli/cli-type-registry.json), so `--require-approval never` is an option and its
value, not a stack. It hands app.py the stack patterns in SELECTION_ENV; app.py builds the stacks they name.
Whatever is not understood builds everything, as before: no selection, `--all`, a command without stacks,
an unreadable table, or a pattern that names no stack the app knows (the CLI then says so itself).
"""

from __future__ import annotations

import fnmatch
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# the stack patterns of the CLI call, a JSON list; absent: build every stack
SELECTION_ENV = "LABKIT_CDK_STACKS"
CLI_REGISTRY = Path(__file__).resolve().parents[2] / "node_modules/aws-cdk/lib/cli/cli-type-registry.json"
# commands whose positional arguments are stacks; `cdk ls` lists the whole app, selection or not
_STACK_ARGS = ("STACKS", "STACK")
_LISTING = frozenset({"list", "ls"})
_BOOLEAN_WORDS = frozenset({"true", "false"})


@functools.cache
def _registry(path: Path = CLI_REGISTRY) -> dict[str, object] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _options(table: Mapping[str, object]) -> dict[str, str]:
    """Every spelling of an option (`--context`, `-c`) -> its type (string, array, boolean, number)."""
    found: dict[str, str] = {}
    for name, option in table.items():
        if not isinstance(option, dict):
            continue
        kind = str(option.get("type", "string"))
        found[f"--{name}"] = kind
        aliases = option.get("alias") or []
        for alias in [aliases] if isinstance(aliases, str) else aliases:
            found[f"-{alias}" if len(alias) == 1 else f"--{alias}"] = kind
    return found


def _command(registry: Mapping[str, object], word: str) -> tuple[str, dict[str, object]] | None:
    commands = registry.get("commands")
    if not isinstance(commands, dict):
        return None
    for name, spec in commands.items():
        if isinstance(spec, dict) and (word == name or word in (spec.get("aliases") or [])):
            return name, spec
    return None


def selected_stacks(args: Sequence[str], registry_path: Path = CLI_REGISTRY) -> list[str] | None:
    """The stack patterns of a CLI call (`cdk deploy <Lab> --require-approval never` -> [<Lab>]); None
    when it selects everything or the call is not understood."""
    registry = _registry(registry_path)
    global_options = registry.get("globalOptions") if registry else None
    if registry is None or not isinstance(global_options, dict):
        return None
    options = _options(global_options)
    command: tuple[str, dict[str, object]] | None = None
    patterns: list[str] = []
    words = iter(args)
    for word in words:
        if word == "--":
            patterns += list(words)
            break
        if word.startswith("-") and word != "-":
            name, has_value, _ = word.partition("=")
            if name == "--all":
                return None
            kind = options.get(name) or options.get(f"--{name.removeprefix('--no-')}", "boolean")
            if not has_value and kind != "boolean":
                next(words, None)
            continue
        if command is None:
            command = _command(registry, word)
            if command is None:
                return None
            command_options = command[1].get("options")
            options |= _options(command_options) if isinstance(command_options, dict) else {}
            continue
        if word.lower() in _BOOLEAN_WORDS:  # `--force true`: a boolean option's value
            continue
        patterns.append(word)
    if command is None or command[0] in _LISTING or not patterns:
        return None
    argument = command[1].get("arg")
    if not isinstance(argument, dict) or argument.get("name") not in _STACK_ARGS:
        return None
    return patterns


@dataclass(frozen=True)
class Selection:
    """The stacks app.py builds: those the patterns name, or every one (`everything`)."""

    patterns: tuple[str, ...] = ()
    everything: bool = True

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Selection:
        """The launcher's selection (SELECTION_ENV); every stack when it gave none or it is unreadable."""
        try:
            patterns = json.loads(environ.get(SELECTION_ENV, "") or "null")
        except ValueError:
            return cls()
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
            return cls()
        return cls(tuple(patterns), everything=False)

    def resolve(self, construct_ids: Iterable[str]) -> Selection:
        """Against the stacks the app can build: a pattern that names none of them selects everything, so
        the CLI meets the app it always met (and says "No stacks match" itself)."""
        known = tuple(construct_ids)
        if self.everything or all(_matches(pattern, known) for pattern in self.patterns):
            return self
        return Selection()

    def chooses(self, construct_id: str) -> bool:
        """True when the stack with this construct id is to be built."""
        return self.everything or any(_matches(pattern, (construct_id,)) for pattern in self.patterns)


def _matches(pattern: str, construct_ids: Sequence[str]) -> list[str]:
    """The construct ids a pattern names: the id itself, a glob of ids, or an owner's stack name
    (`alice-<Lab>`, the stack `cdk deploy <Lab> -c owner=alice` makes)."""
    return [
        known
        for known in construct_ids
        if fnmatch.fnmatchcase(known, pattern) or (pattern.endswith(f"-{known}") and "*" not in pattern)
    ]
