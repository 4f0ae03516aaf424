"""The starter of each lab, written into the learner's folder: what it holds and what to do next.

Each starter's TODOs are the hands-on's steps as the lab's spec.py lists them (the check's hints name the
same steps). Writing never overwrites: a learner's work is kept unless they ask to start over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from labs.asg import spec as asg_spec
from labs.contract import LEARNER_HANDLER_FILE, learner_stack_id, stack_name
from labs.ddb_stream import spec as ddb_stream_spec
from labs.ec2 import spec as ec2_spec
from labs.settings import DEFAULT_MY_LABS
from labs.step_function import spec as step_function_spec

TEMPLATES = Path(__file__).resolve().parent / "templates"
STACK_FILE = "stack.py"


class StarterExistsError(FileExistsError):
    """The learner's file is already there: it is kept, and the message says how to start over."""


@dataclass(frozen=True, kw_only=True)
class Starter:
    lab_id: str
    template: str
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
        return directory / self.lab_id / self.file_name

    def context(self, directory: Path, owner: str | None) -> str:
        """The `-c` settings a deploy needs besides handlerCode: another starters folder, an owner."""
        flags = [] if self.is_handler or directory == DEFAULT_MY_LABS else [f" -c myLabs={directory}"]
        return "".join(flags) + (f" -c owner={owner}" if owner else "")

    def render(self, directory: Path, owner: str | None = None) -> str:
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
        return Template((TEMPLATES / self.template).read_text(encoding="utf-8")).substitute(values)

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
        path = self.path(directory)
        if path.exists() and not force:
            raise StarterExistsError(
                f"{path} already exists and is kept as it is; pass --force to start over from the starter "
                f"(or --dir another folder)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(directory, owner), encoding="utf-8")
        return path


STARTERS: dict[str, Starter] = {
    starter.lab_id: starter
    for starter in (
        Starter(
            lab_id=ec2_spec.LAB_ID,
            template="ec2_stack.py.tmpl",
            file_name=STACK_FILE,
            steps=ec2_spec.STEPS,
            solution="labs/ec2/stack.py",
        ),
        Starter(
            lab_id=asg_spec.LAB_ID,
            template="asg_stack.py.tmpl",
            file_name=STACK_FILE,
            steps=asg_spec.STEPS,
            solution="labs/asg/stack.py",
        ),
        Starter(
            lab_id=ddb_stream_spec.LAB_ID,
            template="handler.py.tmpl",
            file_name=LEARNER_HANDLER_FILE,
            steps=ddb_stream_spec.STEPS,
            solution="lambda_src/csv_writer/ (handler.py, then batch.py and records.py)",
            rest="the Users table and its stream, the bucket, the function's role and the stream trigger",
            items='the new items are the records\' dynamodb.NewImage: {"userId": {"S": "u-1"}, ...}',
        ),
        Starter(
            lab_id=step_function_spec.LAB_ID,
            template="handler.py.tmpl",
            file_name=LEARNER_HANDLER_FILE,
            steps=step_function_spec.STEPS,
            solution="lambda_src/csv_writer/ (handler.py, then batch.py: write_direct_input)",
            rest="the state machine (Wait 5 s, this function, Succeed), the bucket and the function's role",
            items='the item is the input itself: {"userId": "u-200", "name": "Grace Hopper", ...}',
        ),
    )
}


def starter(lab_id: str) -> Starter:
    if lab_id not in STARTERS:
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {', '.join(STARTERS)}")
    return STARTERS[lab_id]
