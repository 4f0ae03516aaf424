"""A compute environment's vCPUs: jobs start in the order they became RUNNABLE while their vCPUs fit under
the environment's maxvCpus, as AWS Batch places jobs from the head of a FIFO job queue; a job at the head that
can never fit (it asks more than maxvCpus) blocks the queue behind it, with its statusReason saying why
(Batch user guide, "Jobs stuck in a RUNNABLE status")."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

# the statusReason of a job its compute environments can never run (Batch user guide, job_stuck_in_runnable)
MAX_RESOURCE = (
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the "
    "CPU requirement of the job."
)


@dataclass
class Capacity:
    """One compute environment's vCPUs in use and the jobs waiting for them, in order."""

    in_use: float = 0.0
    waiting: deque[str] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def join(self, job_key: str) -> None:
        """The job waits for vCPUs behind every job that waited before it."""
        with self.lock:
            if job_key not in self.waiting:
                self.waiting.append(job_key)

    def leave(self, job_key: str) -> None:
        """The job no longer waits (cancelled, terminated)."""
        with self.lock:
            if job_key in self.waiting:
                self.waiting.remove(job_key)

    def try_take(self, job_key: str, vcpus: float, limit: float) -> bool:
        """Take the job's vCPUs when it is at the head of the line and they fit under `limit`."""
        with self.lock:
            if not self.waiting or self.waiting[0] != job_key or self.in_use + vcpus > limit + 1e-9:
                return False
            self.waiting.popleft()
            self.in_use += vcpus
            return True

    def give_back(self, vcpus: float) -> None:
        """The job's attempt ended: its vCPUs are free."""
        with self.lock:
            self.in_use = max(0.0, self.in_use - vcpus)


_environments: dict[str, Capacity] = {}
_lock = threading.Lock()


def of(compute_environment_arn: str) -> Capacity:
    """The capacity of a compute environment, by ARN."""
    with _lock:
        return _environments.setdefault(compute_environment_arn, Capacity())
