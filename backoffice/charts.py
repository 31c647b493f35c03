"""Charts for the operator pages, drawn on the server as inline SVG: no JavaScript, no CDN, no
build step, and each chart has its table beside it for screen readers and for copying figures.
A point carries its value (`data-value`) so a browser test can check it against the table."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from api.money import Money

WIDTH, HEIGHT = 640, 220
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 80, 16, 16, 36
COLOURS = ("#417690", "#b5651d", "#2e7d32", "#6a1b9a", "#c62828")


@dataclass(frozen=True, kw_only=True)
class Point:
    label: str
    value: int


@dataclass(frozen=True, kw_only=True)
class Line:
    name: str
    currency: str
    points: list[Point]


def _money(amount_minor: int, currency: str) -> str:
    """A value as money in `currency`, or a plain count when there is none."""
    if not currency:
        return f"{amount_minor:,}"
    return Money(currency=currency, amount_minor=amount_minor).display


def _figure(*, title: str, parts: list[SafeString], names: list[str]) -> SafeString:
    """The chart's SVG from its parts (each built with format_html), with a legend naming each
    series in its colour."""
    legend = format_html_join(
        " ",
        '<span style="color: {}">&#9632; {}</span>',
        ((COLOURS[number % len(COLOURS)], name) for number, name in enumerate(names)),
    )
    return format_html(
        '<figure class="chart"><svg role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="100%" style="max-width: {}px">{}</svg><figcaption>{} — {}</figcaption></figure>',
        title,
        WIDTH,
        HEIGHT,
        WIDTH,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built with format_html
        title,
        legend,
    )


def line_chart(*, title: str, lines: list[Line]) -> SafeString:
    """One polyline per line (e.g. MRR per currency) over the same labels; values in minor
    units, shown as money."""
    if not lines or not lines[0].points:
        return format_html('<p class="chart-empty">{}: no data yet.</p>', title)
    values = [point.value for line in lines for point in line.points]
    low, high = min(0, *values), max(1, *values)
    count = len(lines[0].points)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(index: int) -> float:
        return MARGIN_LEFT + (plot_width * index / max(count - 1, 1))

    def y(value: int) -> float:
        return MARGIN_TOP + plot_height * (high - value) / (high - low)

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" />',
            MARGIN_LEFT,
            round(y(0), 1),
            WIDTH - MARGIN_RIGHT,
            round(y(0), 1),
        ),
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
            MARGIN_LEFT - 6,
            MARGIN_TOP + 4,
            _money(high, lines[0].currency),
        ),
    ]
    step = max(1, count // 6)
    for index, point in enumerate(lines[0].points):
        # Every step-th label, and the last one unless it would touch the one before it.
        if index % step == 0 and index < count - step // 2 - 1 or index == count - 1:
            # The last label ends at the right edge rather than spilling past it.
            anchor = "end" if index == count - 1 else "middle"
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="{}">{}</text>',
                    round(x(index), 1),
                    HEIGHT - 12,
                    anchor,
                    point.label,
                )
            )
    for number, line in enumerate(lines):
        colour = COLOURS[number % len(COLOURS)]
        coordinates = " ".join(
            f"{x(index):.1f},{y(point.value):.1f}" for index, point in enumerate(line.points)
        )
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}" />',
                colour,
                coordinates,
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle class="chart-point" cx="{}" cy="{}" r="3" fill="{}" data-series="{}" '
                'data-label="{}" data-value="{}"><title>{} {}: {}</title></circle>',
                (
                    (
                        round(x(index), 1),
                        round(y(point.value), 1),
                        colour,
                        line.name,
                        point.label,
                        point.value,
                        line.name,
                        point.label,
                        _money(point.value, line.currency),
                    )
                    for index, point in enumerate(line.points)
                ),
            )
        )
    return _figure(title=title, parts=parts, names=[line.name for line in lines])


@dataclass(frozen=True, kw_only=True)
class Bars:
    name: str
    values: list[int]


def bar_chart(*, title: str, labels: list[str], bars: list[Bars]) -> SafeString:
    """Grouped bars of counts, one group per label (day or week)."""
    if not labels or not bars:
        return format_html('<p class="chart-empty">{}: no data yet.</p>', title)
    high = max(1, *(value for bar in bars for value in bar.values))
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    group = plot_width / len(labels)
    width = max(group * 0.8 / len(bars), 1)
    parts = [
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
            MARGIN_LEFT - 6,
            MARGIN_TOP + 4,
            high,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" />',
            MARGIN_LEFT,
            MARGIN_TOP + plot_height,
            WIDTH - MARGIN_RIGHT,
            MARGIN_TOP + plot_height,
        ),
    ]
    step = max(1, len(labels) // 6)
    for index, label in enumerate(labels):
        if index % step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="start">{}</text>',
                    round(MARGIN_LEFT + group * index, 1),
                    HEIGHT - 12,
                    label,
                )
            )
    for number, bar in enumerate(bars):
        colour = COLOURS[number % len(COLOURS)]
        parts.append(
            format_html_join(
                "",
                '<rect class="chart-point" x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'data-series="{}" data-label="{}" data-value="{}"><title>{} {}: {}</title></rect>',
                (
                    (
                        round(MARGIN_LEFT + group * index + group * 0.1 + width * number, 1),
                        round(MARGIN_TOP + plot_height * (1 - value / high), 1),
                        round(width, 1),
                        round(plot_height * value / high, 1),
                        colour,
                        bar.name,
                        labels[index],
                        value,
                        bar.name,
                        labels[index],
                        value,
                    )
                    for index, value in enumerate(bar.values)
                ),
            )
        )
    return _figure(title=title, parts=parts, names=[bar.name for bar in bars])
