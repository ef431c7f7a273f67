"""How numbers look in the Markdown tables, and one table section."""

from __future__ import annotations

from bench.measure import Samples

NA = "n/a"


def n(value: int) -> str:
    return f"{value:,}"


def s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def x(ratio: float) -> str:
    return f"{ratio:.2f}x"


def us(samples: Samples) -> str:
    return f"{samples.median * 1e6:.0f} µs (min {samples.min * 1e6:.0f})"


def spread(samples: Samples, scale: float = 1.0, unit: str = "s") -> str:
    """Median (min-max), e.g. "762 µs (547-901)"; seconds by default."""
    if unit == "s":
        median, low, high = (s(v * scale) for v in (samples.median, samples.min, samples.max))
        return f"{median} s ({low}-{high})"
    median, low, high = (samples.median * scale, samples.min * scale, samples.max * scale)
    return f"{median:.0f} {unit} ({low:.0f}-{high:.0f})"


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f}"


def section(title: str, header: list[str], rows: list[list[str]], *intro: str) -> list[str]:
    lines = [f"### {title}", ""]
    if intro:
        lines += [" ".join(intro), ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]
