"""Charts drawn on the server as SVG: the page needs no script or chart library."""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 420, 180
LEFT, BOTTOM, TOP = 30, 30, 12


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Histogram:
    """Bars of how many values fall in each tenth of 0-100 %, laid out in a
    WIDTH x HEIGHT box (the template draws them)."""

    title: str
    bars: list[Bar]
    total: int
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    left: int = LEFT


def percent_histogram(title: str, values: Sequence[float]) -> Histogram:
    """Ten buckets: 0-9, 10-19, ..., 90-100 (100 goes in the last)."""
    counts = [0] * 10
    for value in values:
        counts[min(int(value // 10), 9) if value > 0 else 0] += 1
    peak = max(counts) if values else 0
    slot = (WIDTH - LEFT) / 10
    plot = HEIGHT - BOTTOM - TOP
    bars = []
    for index, count in enumerate(counts):
        height = plot * count / peak if peak else 0
        bars.append(
            Bar(
                label=f"{index * 10}-{index * 10 + 9 + (index == 9)}",
                count=count,
                x=round(LEFT + index * slot + 3, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot - 6, 1),
                height=round(height, 1),
            )
        )
    return Histogram(title=title, bars=bars, total=len(values), peak=peak)
