"""Timing helpers: medians over repeats, percentiles, the machine's description, and a script's ``main``."""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar, get_type_hints

T = TypeVar("T")


def best_of(function: Callable[[], Any], repeats: int = 5) -> float:
    """Median wall time in seconds (the machines are noisy: repeat and take the middle)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def command(doc: str | None, measure: Callable[..., T], section: Callable[[T], str]) -> None:
    """Run a bench script from the shell: ``print(section(measure(...)))``.

    Each parameter of ``measure`` that has a default becomes an option (``--seconds 60``) of its
    annotated type, so a script's options and their defaults are written once, in ``measure``.
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    types = get_type_hints(measure)
    for name, parameter in inspect.signature(measure).parameters.items():
        if parameter.default is not parameter.empty:
            parser.add_argument(f"--{name.replace('_', '-')}", type=types[name], default=parameter.default)
    print(section(measure(**vars(parser.parse_args()))))
