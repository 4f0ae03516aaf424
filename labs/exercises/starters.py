"""The starter of each lab, written into the learner's folder: what it holds and what to do next.

Each starter is declared by its lab's descriptor (labs/<lab>/lab.py); its TODOs are the hands-on's steps as
the lab's spec.py lists them (the check's hints name the
same steps). Writing never overwrites: a learner's work is kept unless they ask to start over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from labs.registry import all_labs
from labs.settings import DEFAULT_MY_LABS
from labs.shared_facts import LEARNER_HANDLER_FILE, learner_stack_id, stack_name

STACK_FILE = "stack.py"


class StarterExistsError(FileExistsError):
    """The learner's file is already there: it is kept, and the message says how to start over."""


@dataclass(frozen=True, kw_only=True)
class Starter:
    """A lab's exercise starter: the template and the file the learner completes."""

    lab_id: str
    template: Path
    file_name: str
    steps: tuple[str, ...]
    # where the kit's own solution is, for comparison
    solution: str
    # handler starters: what the kit builds around the learner's function, and what the new items are
    rest: str = ""
    items: str = ""

    @property
    def is_handler(self) -> bool:
        return self.file_name == LEARNER_HANDLER_FILE

    def path(self, directory: Path) -> Path:
        """Where the starter is written under the directory."""
        return directory / self.lab_id / self.file_name

    def context(self, directory: Path, owner: str | None) -> str:
        """The `-c` settings a deploy needs besides handlerCode: another starters folder, an owner."""
        flags = [] if self.is_handler or directory == DEFAULT_MY_LABS else [f" -c myLabs={directory}"]
        return "".join(flags) + (f" -c owner={owner}" if owner else "")

    def render(self, directory: Path, owner: str | None = None) -> str:
        """The starter's text, filled in for the lab and owner."""
        values = {f"step_{number}": text for number, text in enumerate(self.steps, start=1)}
        values |= {
            "lab_id": self.lab_id,
            "folder": str(directory / self.lab_id),
            "stack_name": stack_name(learner_stack_id(self.lab_id), owner),
            **self.commands(directory, owner),
            "solution": self.solution,
            "rest": self.rest,
            "items": self.items,
        }
        return Template(self.template.read_text(encoding="utf-8")).substitute(values)

    def commands(self, directory: Path, owner: str | None = None) -> dict[str, str]:
        """How the learner deploys, checks and destroys their work."""
        context = self.context(directory, owner)
        if self.is_handler:
            deploy = f"cdk deploy {self.lab_id} -c handlerCode={directory / self.lab_id}{context}"
            check = f"labkit check {self.lab_id}" + (f" --owner {owner}" if owner else "")
            destroy = f"cdk destroy {self.lab_id}" + (f" -c owner={owner}" if owner else "")
        else:
            mine = learner_stack_id(self.lab_id)
            deploy = f"cdk deploy {mine}{context}"
            check = f"labkit check {self.lab_id} --stack {stack_name(mine, owner)}"
            destroy = f"cdk destroy {mine}{context}"
        return {"deploy": deploy, "check": check, "destroy": destroy}

    def next_steps(self, directory: Path, owner: str | None = None) -> list[tuple[str, str]]:
        """(what, command) in the order the learner runs them."""
        commands = self.commands(directory, owner)
        return [
            ("edit it: each TODO is one step of the hands-on", str(self.path(directory))),
            ("deploy it (as it is, it deploys an incomplete lab)", commands["deploy"]),
            ("check it: each failing item names the step that is missing", commands["check"]),
            ("compare with the kit's solution", self.solution),
            ("remove it when you are done", commands["destroy"]),
        ]

    def write(self, directory: Path, *, owner: str | None = None, force: bool = False) -> Path:
        """Write the starter; refused when the file exists, unless forced."""
        path = self.path(directory)
        if path.exists() and not force:
            raise StarterExistsError(
                f"{path} already exists and is kept as it is; pass --force to start over from the starter "
                f"(or --dir another folder)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(directory, owner), encoding="utf-8")
        return path


def starter(lab_id: str) -> Starter:
    """The starter of a lab whose descriptor declares one; a ValueError naming the labs that have one."""
    with_starters = [described for described in all_labs().values() if described.starter is not None]
    for described in with_starters:
        if described.lab_id == lab_id and described.starter is not None:
            spec = described.starter
            return Starter(
                lab_id=lab_id,
                template=spec.template,
                file_name=STACK_FILE if spec.kind == "stack" else LEARNER_HANDLER_FILE,
                steps=described.steps,
                solution=spec.solution,
                rest=spec.rest,
                items=spec.items,
            )
    names = ", ".join(described.lab_id for described in with_starters)
    raise ValueError(f"unknown lab {lab_id!r}: choose one of {names}")
