"""The samplers ``OTEL_TRACES_SAMPLER`` names: always_on, always_off, traceidratio and their parentbased_ forms."""

from __future__ import annotations

from dataclasses import dataclass

from .context import SpanContext

SAMPLERS = (
    "always_on", "always_off", "traceidratio",
    "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
)


@dataclass(frozen=True)
class Sampler:
    """Decides whether a request's span is recorded and exported.

    ``parentbased_*`` follows the caller's sampled flag when there is a caller, and applies the named root sampler
    otherwise; ``traceidratio`` keeps a trace when the low 64 bits of its id fall under ``ratio`` of their range, so
    every service with the same ratio keeps the same traces.
    """

    name: str = "parentbased_always_on"
    ratio: float = 1.0

    def should_sample(self, trace_id: str, parent: SpanContext | None) -> bool:
        root = self.name
        if root.startswith("parentbased_"):
            if parent is not None:
                return parent.sampled
            root = root.removeprefix("parentbased_")
        if root == "always_on":
            return True
        if root == "always_off":
            return False
        return int(trace_id[16:], 16) < self.ratio * 2**64
