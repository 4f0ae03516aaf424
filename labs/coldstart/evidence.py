"""What LabColdStart's check grades on: several cold starts of each function, and what the function wrote.

"Heavy init" compares the Init Duration of the check's own forced cold starts, ROUNDS of each function taken
in turns (light, heavy, light, heavy...), and passes only when the median of the rounds' heavy/light ratios is
at least MIN_RATIO and the heavy median at least MIN_EXTRA_MS longer than the light one: a slow spell of the
machine slows both samples of a round, so their ratio stands, and the order alternates (light first, then
heavy first) so a machine busier for the second of a pair favours neither. Creating the heavy profile's boto3
clients at init makes its init four to seven times the light one (the emulator: ~600 ms against ~100 ms),
while the same code in both functions gives a ratio near 1 that one slow sample cannot move: the same code
gets the same grade every time. A failed or timed-out invocation is never a sample.
CDK-free, no AWS calls.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# forced cold starts of each function per check: a median that one slow sample cannot move
ROUNDS = 3
# the heavy init must be clearly heavier: 2.5 times the light one and at least 100 ms more. Measured on the
# emulator with the machine under load (2 cores, load 9-12, 12 checks each): the kit's handler 4.6-7.3
# (median of a check's rounds), the same code in both functions 0.8-1.2. Both inits are CPU-bound imports,
# so on AWS, where 128 MB gets a fraction of a CPU for both, the ratio carries over (not measured: no account)
MIN_RATIO = 2.5
MIN_EXTRA_MS = 100.0


@dataclass(frozen=True)
class InitComparison:
    """The Init Durations of the light and heavy functions' successful cold starts, in ms."""

    light_ms: tuple[float, ...]
    heavy_ms: tuple[float, ...]

    @property
    def enough(self) -> bool:
        """Whether both functions have the samples the decision needs."""
        return len(self.light_ms) >= ROUNDS and len(self.heavy_ms) >= ROUNDS

    @property
    def light_median(self) -> float:
        return statistics.median(self.light_ms)

    @property
    def heavy_median(self) -> float:
        return statistics.median(self.heavy_ms)

    @property
    def ratio(self) -> float:
        """The median of each round's heavy/light ratio (the samples are in the order they were taken)."""
        pairs = zip(self.light_ms, self.heavy_ms, strict=False)
        return statistics.median(heavy / light if light > 0 else float("inf") for light, heavy in pairs)

    @property
    def heavier(self) -> bool:
        """The verdict: the heavy init is clearly longer, by a margin noise does not cross."""
        return (
            self.enough and self.ratio >= MIN_RATIO and self.heavy_median - self.light_median >= MIN_EXTRA_MS
        )

    def describe(self) -> str:
        """`median Init Duration of 3 cold starts each: light 96 ms, heavy 602 ms (6.3x)`."""
        if not self.enough:
            return (
                f"{len(self.light_ms)} light and {len(self.heavy_ms)} heavy cold starts succeeded; "
                f"the grade needs {ROUNDS} of each"
            )
        return (
            f"median Init Duration of {ROUNDS} cold starts each: light {self.light_median:.0f} ms, heavy "
            f"{self.heavy_median:.0f} ms at 128 MB ({self.ratio:.1f}x; passes at {MIN_RATIO:g}x and "
            f"{MIN_EXTRA_MS:.0f} ms more)"
        )


def heavy_init_gap(comparison: InitComparison, *, profile_variable: str, heavy: str) -> str:
    """What step 2 still lacks, read from the two inits (the comparison has its samples and did not pass).

    One answer for any ratio under the bar: between "the same work in both" and "a little heavier" the
    ratio moves with the machine's load, and the hint must not change with it."""
    return (
        f"the heavy init is only {comparison.ratio:.1f}x the light one, so nothing heavy runs at init yet: "
        f"when {profile_variable} is {heavy}, import boto3 and create its clients at module level, not "
        "inside the handler, and keep the light profile light"
    )


def is_powertools_line(line: str) -> bool:
    """A line of Powertools' Logger (JSON with its `level` and `service` keys)."""
    text = line.strip()
    if not text.startswith("{"):
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and "level" in value and "service" in value


def logging_gap(output: Sequence[str]) -> str:
    """What step 1 still lacks, read from what one cold invocation wrote (it carried no cold_start)."""
    powertools = [line for line in output if is_powertools_line(line)]
    if powertools:
        return (
            "Powertools logs, but without the Lambda context: decorate the handler with "
            "@logger.inject_lambda_context, so each line carries cold_start"
        )
    if output:
        return (
            "the handler writes plain text (print or the logging module), which carries no cold_start: log "
            'with Powertools\' logger.info("invoked") instead (its lines carry cold_start once the handler '
            "has @logger.inject_lambda_context)"
        )
    return (
        'the handler logs nothing: log a line with Powertools\' logger.info("invoked"), the handler '
        "decorated with @logger.inject_lambda_context"
    )
