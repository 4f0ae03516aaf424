"""Warm execution environments, kept per function version as Lambda keeps them.

An invocation takes an idle environment of the same code and configuration (warm start) or starts a new one
(cold start: the init phase runs first). An environment idle for longer than `idle_s` is shut down, as Lambda
reclaims idle environments (AWS documents no fixed time; minutes are typical); a configuration change retires
the environments of the old configuration. Environments provisioned for an alias or version (provisioned
concurrency) are started ahead of any invocation, serve only invocations of that qualifier, and are never
reclaimed for idleness; when all are busy, an invocation spills over to an on-demand environment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from local_aws.services.awslambda.runtime.environment import ExecutionEnvironment
from local_aws.services.awslambda.runtime.invoke import FunctionSpec, Invocation, RuntimeFiles
from local_aws.services.awslambda.runtime.platform_log import PROVISIONED
from local_aws.settings import DEFAULT_IDLE_S


@dataclass
class _Slot:
    environment: ExecutionEnvironment
    # the alias or version key (`<function arn>:<qualifier>`) it was provisioned for; None: on demand
    provisioned_for: str | None = None


class EnvironmentPool:
    """Every execution environment of one emulator; thread-safe (the emulator answers requests in threads)."""

    def __init__(
        self,
        *,
        files: RuntimeFiles,
        endpoint: str,
        idle_s: float = DEFAULT_IDLE_S,
        clock: Callable[[], float] = time.monotonic,
        reap_every_s: float | None = None,
    ) -> None:
        self.files = files
        self.endpoint = endpoint
        self.idle_s = idle_s
        self._clock = clock
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        interval = reap_every_s if reap_every_s is not None else min(5.0, max(0.5, idle_s / 4))
        self._reaper = threading.Thread(target=self._reap_forever, args=(interval,), daemon=True)
        self._reaper.start()

    def invoke(
        self, spec: FunctionSpec, event: object, *, request_id: str, provisioned_for: str | None = None
    ) -> Invocation:
        """Run `event` in a warm environment of `spec` (a provisioned one first), or in a new one."""
        slot = self._acquire(spec, provisioned_for)
        if slot is None:
            environment = ExecutionEnvironment(spec, files=self.files, endpoint=self.endpoint)
            environment.busy = True
            slot = _Slot(environment)
            with self._lock:
                self._slots.append(slot)
            environment.start()
        try:
            return slot.environment.invoke(event, request_id=request_id)
        finally:
            self._release(slot)

    def provision(self, spec: FunctionSpec, *, key: str, count: int) -> list[ExecutionEnvironment]:
        """Start `count` environments for the alias or version `key`; returns them, init lines unread."""
        self.deprovision(key)
        started = []
        for _ in range(count):
            environment = ExecutionEnvironment(
                spec, files=self.files, endpoint=self.endpoint, initialization_type=PROVISIONED
            )
            environment.busy = True
            slot = _Slot(environment, provisioned_for=key)
            with self._lock:
                self._slots.append(slot)
            environment.start()
            self._release(slot)
            started.append(environment)
        return started

    def deprovision(self, key: str) -> None:
        """Shut down the environments provisioned for `key` (its provisioned concurrency was removed)."""
        with self._lock:
            gone = [slot for slot in self._slots if slot.provisioned_for == key]
            self._slots = [slot for slot in self._slots if slot.provisioned_for != key]
        for slot in gone:
            slot.environment.close()

    def environments(self) -> list[ExecutionEnvironment]:
        """The environments alive now (for tests and the emulator's own status)."""
        with self._lock:
            return [slot.environment for slot in self._slots if slot.environment.alive]

    def shutdown(self) -> None:
        """Stop handing out environments and close every one the pool holds."""
        self._stopped.set()
        with self._lock:
            slots, self._slots = self._slots, []
        for slot in slots:
            slot.environment.close()

    def reap(self) -> int:
        """Shut down on-demand environments idle for longer than idle_s; returns how many."""
        now = self._clock()
        with self._lock:
            idle = [
                slot
                for slot in self._slots
                if slot.provisioned_for is None
                and not slot.environment.busy
                and now - slot.environment.last_used > self.idle_s
            ]
            self._slots = [slot for slot in self._slots if slot not in idle]
        for slot in idle:
            slot.environment.close()
        return len(idle)

    # -- internals --------------------------------------------------------------------------------
    def _acquire(self, spec: FunctionSpec, provisioned_for: str | None) -> _Slot | None:
        key = (spec.arn, spec.version)
        with self._lock:
            mine = [s for s in self._slots if (s.environment.spec.arn, s.environment.spec.version) == key]
            # a new configuration: environments of the old one serve no more invocations
            current = spec.fingerprint
            stale = [s for s in mine if s.environment.spec.fingerprint != current and not s.environment.busy]
            self._slots = [s for s in self._slots if s not in stale]
            ready = [
                s
                for s in mine
                if s not in stale
                and not s.environment.busy
                and s.environment.alive
                and s.environment.spec.fingerprint == spec.fingerprint
            ]
            provisioned = [s for s in ready if provisioned_for and s.provisioned_for == provisioned_for]
            on_demand = [s for s in ready if s.provisioned_for is None]
            # the most recently used first, as a warm environment is more likely to be found hot
            candidates = provisioned or sorted(on_demand, key=lambda s: -s.environment.last_used)
            chosen = candidates[0] if candidates else None
            if chosen is not None:
                chosen.environment.busy = True
        for slot in stale:
            slot.environment.close()
        return chosen

    def _release(self, slot: _Slot) -> None:
        with self._lock:
            slot.environment.busy = False
            slot.environment.last_used = self._clock()
            if not slot.environment.alive and slot in self._slots:
                self._slots.remove(slot)

    def _reap_forever(self, interval_s: float) -> None:
        while not self._stopped.wait(interval_s):
            self.reap()
