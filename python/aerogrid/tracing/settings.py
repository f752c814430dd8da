"""Tracing settings from the standard OpenTelemetry environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from .sampling import SAMPLERS, Sampler

PROTOCOLS = ("http/protobuf", "http/json")


@dataclass(frozen=True)
class TraceSettings:
    """Where and how spans go. Durations are seconds here; the variables give milliseconds, as the spec says."""

    endpoint: str
    protocol: str = "http/protobuf"
    headers: Mapping[str, str] = field(default_factory=dict)
    export_timeout: float = 10.0
    resource: Mapping[str, str] = field(default_factory=dict)
    sampler: Sampler = Sampler()
    schedule_delay: float = 5.0
    max_queue_size: int = 2048
    max_export_batch_size: int = 512
    batch_timeout: float = 30.0

    @staticmethod
    def from_environ(
        environ: Mapping[str, str] | None = None, warn: Callable[[str], None] = lambda message: None
    ) -> TraceSettings | None:
        """The settings, or None when traces are off: ``OTEL_SDK_DISABLED=true``, no OTLP endpoint set (an app run
        outside the platform exports nothing, rather than failing to reach the spec's default localhost:4318), or a
        protocol this exporter does not speak (gRPC needs HTTP/2, beyond the standard library). ``warn`` hears about
        each value that is ignored."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return env.get(name, "").strip()

        def signal(name: str) -> str:
            return get(f"OTEL_EXPORTER_OTLP_TRACES_{name}") or get(f"OTEL_EXPORTER_OTLP_{name}")

        def number(name: str, default: float, convert: Callable[[str], float] = float, minimum: float = 0) -> float:
            raw = get(name) if name.startswith("OTEL_") else signal(name)
            if not raw:
                return default
            try:
                value = convert(raw)
            except ValueError:
                value = minimum - 1
            if value < minimum:
                label = name if name.startswith("OTEL_") else f"OTEL_EXPORTER_OTLP_{name}"
                warn(f"{label}={raw!r} is not a number of at least {minimum:g}; using {default:g}")
                return default
            return value

        if get("OTEL_SDK_DISABLED").lower() == "true":
            return None
        endpoint = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        if not endpoint and get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            endpoint = get("OTEL_EXPORTER_OTLP_ENDPOINT").rstrip("/") + "/v1/traces"
        if not endpoint:
            return None
        if not endpoint.startswith(("http://", "https://")):
            warn(f"the OTLP endpoint {endpoint!r} is not an http(s) URL; traces are not exported")
            return None
        protocol = signal("PROTOCOL") or "http/protobuf"
        if protocol not in PROTOCOLS:
            warn(f"OTLP protocol {protocol!r} is not supported (use {' or '.join(PROTOCOLS)}); traces are not exported")
            return None

        resource = _pairs(get("OTEL_RESOURCE_ATTRIBUTES"))
        if get("OTEL_SERVICE_NAME"):
            resource["service.name"] = get("OTEL_SERVICE_NAME")

        sampler_name = get("OTEL_TRACES_SAMPLER").lower() or "parentbased_always_on"
        if sampler_name not in SAMPLERS:
            warn(f"OTEL_TRACES_SAMPLER={sampler_name!r} is not one of {', '.join(SAMPLERS)}; using parentbased_always_on")
            sampler_name = "parentbased_always_on"
        ratio = 1.0
        if sampler_name.endswith("traceidratio"):
            ratio = number("OTEL_TRACES_SAMPLER_ARG", 1.0)
            if ratio > 1:
                warn(f"OTEL_TRACES_SAMPLER_ARG={ratio:g} is above 1; using 1")
                ratio = 1.0

        max_queue = int(number("OTEL_BSP_MAX_QUEUE_SIZE", 2048, int, 1))
        batch = int(number("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, int, 1))
        return TraceSettings(
            endpoint=endpoint,
            protocol=protocol,
            headers=_pairs(signal("HEADERS")),
            export_timeout=number("TIMEOUT", 10_000) / 1000,
            resource=resource,
            sampler=Sampler(sampler_name, ratio),
            schedule_delay=number("OTEL_BSP_SCHEDULE_DELAY", 5000) / 1000,
            max_queue_size=max_queue,
            max_export_batch_size=min(batch, max_queue),  # the spec: a batch never exceeds the queue
            batch_timeout=number("OTEL_BSP_EXPORT_TIMEOUT", 30_000) / 1000,
        )


def _pairs(raw: str) -> dict[str, str]:
    """``key1=value1,key2=value2`` with percent-encoded values, as OTEL_RESOURCE_ATTRIBUTES and the headers use."""
    result: dict[str, str] = {}
    for item in raw.split(","):
        key, sep, value = item.partition("=")
        if sep and key.strip():
            result[unquote(key.strip())] = unquote(value.strip())
    return result
