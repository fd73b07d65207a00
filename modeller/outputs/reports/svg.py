"""Small, deterministic SVG primitives for the report charts (:mod:`.charts`).

Everything a chart needs and nothing more: escaping of untrusted text (labels come from
users' sets), coordinates with a fixed precision (so the same inputs give byte-identical
SVG), a width estimate of text in the report font for layout (wrapping, cutting with an
ellipsis), "nice" ticks (1, 2, 2.5, 5 or 10 x 10^n) with money and month labels, a
:class:`Drawing` that collects shapes and text and writes the document, and the axes,
legends and labels the charts share. Text stays as ``<text>`` so that WeasyPrint sets it
in the report font and it stays searchable in the PDF; a dense grid of colours is one
embedded PNG (written here with :mod:`zlib`).

Units: every coordinate and size is in points [pt]; the document's ``viewBox`` is in
points and its ``width``/``height`` say so, so a chart prints at its stated size.
"""

from __future__ import annotations

import base64
import math
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Iterable, Sequence

from modeller.outputs.reports.formatting import MINUS

FONT_FAMILY = "DejaVu Sans"  # the bundled report font (templates/fonts/)

#: Advance widths of printable ASCII (U+0020 to U+007E) in DejaVu Sans and DejaVu Sans
#: Bold [1/1000 em], read from the bundled fonts' ``hmtx`` tables. WeasyPrint sets SVG
#: text letter by letter without kerning, so the sum of advances is the printed width.
_REGULAR = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 "
    "636 636 636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 "
    "295 656 557 863 748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 "
    "500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 "
    "392 634 592 818 592 592 525 636 337 636 838")
_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 "
    "696 696 696 696 696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 "
    "372 775 637 995 837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 "
    "500 500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 "
    "478 712 652 924 645 652 582 712 365 712 838")
_WIDTHS = {False: [int(w) for w in _REGULAR.split()], True: [int(w) for w in _BOLD.split()]}
#: Characters outside ASCII that charts print often [1/1000 em, regular and bold].
_OTHER = {"£": (636, 696), "\u2212": (838, 838), "\u2060": (0, 0), "\u2026": (1000, 1000),
          "\u2013": (500, 500), "\u2019": (318, 380), "\u00d7": (838, 838), "\u00b1": (838, 838)}
_UNKNOWN = 640   # an estimate for other characters (most Latin letters are narrower)

#: Characters XML 1.0 forbids (a label from a user set may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ELLIPSIS = "\u2026"


def esc(text: object) -> str:
    """``text`` as XML character data or attribute value: ``& < > " '`` escaped, characters
    XML forbids dropped, line breaks and tabs made spaces."""
    text = _NOT_XML.sub("", str(text))
    text = re.sub(r"[\t\r\n]", " ", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: ``12.5``, ``0``.
    [pt]; a NaN or infinite coordinate is a bug in the caller and raises ValueError."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite coordinate: {value!r}")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The printed width of ``text`` in the report font at ``size`` [pt]."""
    table = _WIDTHS[bold]
    total = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            total += table[code - 32]
        elif ch in _OTHER:
            total += _OTHER[ch][bold]
        elif unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
            continue
        else:
            total += 1000 if unicodedata.east_asian_width(ch) in "WF" else _UNKNOWN
    return total * size / 1000


def truncate(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width`` [pt] (whole if it fits)."""
    text = " ".join(str(text).split())
    if text_width(text, size, bold) <= width:
        return text
    room = width - text_width(ELLIPSIS, size, bold)
    out = ""
    for ch in text:
        if text_width(out + ch, size, bold) > room:
            break
        out += ch
    return out.rstrip() + ELLIPSIS


def wrap(text: str, width: float, size: float, bold: bool = False,
         max_lines: int = 3) -> list[str]:
    """``text`` in lines no wider than ``width`` [pt], broken at spaces (a word too long
    for a line is broken within); at most ``max_lines``, the last cut with an ellipsis."""
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, size, bold) > width:   # a word wider than a line
            cut = truncate(word, width, size, bold)[:-1] or word[0]
            lines.append(cut)
            word = word[len(cut):]
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = truncate(" ".join(lines[max_lines - 1:]), width, size, bold)
        if not last.endswith(ELLIPSIS):
            last = truncate(last + ELLIPSIS, width, size, bold)
        lines = lines[:max_lines - 1] + [last]
    return lines or [""]


# --- ticks ------------------------------------------------------------------------------

_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, max_intervals: int = 6, min_step: float = 0.0) -> float:
    """The smallest step of 1, 2, 2.5, 5 or 10 x 10^n that covers ``span`` in at most
    ``max_intervals`` steps, and at least ``min_step``: ``nice_step(80_825) == 20_000``."""
    span = abs(float(span))
    if span <= 0 or not math.isfinite(span):
        return max(min_step, 1.0)
    raw = span / max_intervals
    power = 10.0 ** math.floor(math.log10(raw))
    for m in _NICE:
        step = m * power
        if step >= raw * (1 - 1e-9) and step >= min_step:
            return step
    return max(10.0 * power, min_step)


def ticks(lo: float, hi: float, max_intervals: int = 6, min_step: float = 0.0
          ) -> list[float]:
    """The multiples of :func:`nice_step` between ``lo`` and ``hi`` inclusive."""
    step = nice_step(hi - lo, max_intervals, min_step)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 9) + 0.0 for k in range(first, last + 1)]


def decimals(step: float, most: int = 3) -> int:
    """The decimal places that print every multiple of ``step`` exactly (at most ``most``)."""
    for places in range(most + 1):
        if abs(round(step, places) - step) <= 1e-9 * max(1.0, abs(step)):
            return places
    return most


def money_label(value: float, max_abs: float, step: float) -> str:
    """A money tick: £m at or above £1m, £k at or above £10,000, else whole pounds, with
    the decimals the step needs and the Unicode minus sign: ``£1.5m``, ``−£200k``."""
    if max_abs >= 1_000_000:
        unit, div, places = "m", 1e6, max(1, decimals(step / 1e6))
    elif max_abs >= 10_000:
        unit, div, places = "k", 1e3, decimals(step / 1e3)
    else:
        unit, div, places = "", 1.0, decimals(step)
    if abs(value) <= step * 1e-6:
        return "£0"
    text = f"£{abs(value) / div:,.{places}f}{unit}"
    return MINUS + text if value < 0 else text


def money_ticks(lo: float, hi: float, max_intervals: int = 6) -> list[tuple[float, str]]:
    """Nice money ticks from ``lo`` to ``hi`` with their labels (never finer than £1)."""
    values = ticks(lo, hi, max_intervals, min_step=1.0)
    step = values[1] - values[0] if len(values) > 1 else 1.0
    max_abs = max(abs(lo), abs(hi), 1.0)
    return [(v, money_label(v, max_abs, step)) for v in values]


def month_ticks(n_months: int) -> list[tuple[float, str]]:
    """Ticks at year ends (every 12 months; wider steps of whole years beyond 10 years)."""
    step = 12 if n_months <= 120 else 12 * max(1, round(n_months / 120))
    return [(m, str(m)) for m in range(0, n_months + 1, step)]


@dataclass(frozen=True)
class Scale:
    """A linear map from data values [d0, d1] to positions [r0, r1] [pt]."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        span = self.d1 - self.d0
        if span == 0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (float(value) - self.d0) * (self.r1 - self.r0) / span

    def invert(self, position: float) -> float:
        """The data value at ``position``."""
        return self.d0 + (position - self.r0) * (self.d1 - self.d0) / (self.r1 - self.r0)


# --- the drawing ------------------------------------------------------------------------

def _attrs(pairs: dict) -> str:
    return "".join(f' {k.replace("_", "-")}="{v if isinstance(v, str) else num(v)}"'
                   for k, v in pairs.items() if v is not None)


class Drawing:
    """The shapes and text of one chart, in drawing order; :meth:`document` writes it.

    ``size`` is the default font size [pt] and ``fill`` the default text colour.
    """

    def __init__(self, width: float, height: float, size: float, fill: str):
        self.width, self.height, self.size, self.fill = width, height, size, fill
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **attrs) -> None:
        """A rectangle; a negative width or height is drawn from the other side."""
        x, w = (x + w, -w) if w < 0 else (x, w)
        y, h = (y + h, -h) if h < 0 else (y, h)
        shape = dict(x=x, y=y, width=w, height=h, fill=fill, **attrs)
        self.parts.append(f"<rect{_attrs(shape)}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str,
             width: float = 0.8, **attrs) -> None:
        shape = dict(x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, stroke_width=width, **attrs)
        self.parts.append(f"<line{_attrs(shape)}/>")

    def polyline(self, points: Iterable[tuple[float, float]], stroke: str,
                 width: float = 2.0, **attrs) -> None:
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        style = dict(fill="none", stroke=stroke, stroke_width=width, stroke_linejoin="round",
                     **attrs)
        self.parts.append(f'<polyline points="{coords}"{_attrs(style)}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str) -> None:
        self.parts.append(f"<circle{_attrs(dict(cx=cx, cy=cy, r=r, fill=fill))}/>")

    def text(self, x: float, y: float, text: str, anchor: str = "start",
             size: float | None = None, bold: bool = False, fill: str | None = None,
             rotate: bool = False, backing: str | None = None) -> None:
        """``text`` at ``x``, its capitals centred on ``y`` (the baseline is computed, not
        left to the renderer's ``dominant-baseline``); ``anchor`` start, middle or end;
        ``rotate`` turns it to read bottom to top, centred on ``x``; ``backing`` a colour
        for a box behind it (where it may cross a line)."""
        size = size or self.size
        if backing and not rotate:
            w = text_width(text, size, bold)
            start = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            self.rect(start - 1, y - 0.6 * size, w + 2, 1.2 * size, backing,
                      fill_opacity=0.9)
        base = y + 0.36 * size
        transform = ""
        if rotate:
            x, base = x + 0.36 * size, y
            transform = f' transform="rotate(-90 {num(x)} {num(y)})"'
        attrs = dict(x=x, y=base, text_anchor=None if anchor == "start" else anchor,
                     font_size=None if size == self.size else size,
                     font_weight="bold" if bold else None,
                     fill=fill if fill and fill != self.fill else None)
        self.parts.append(f"<text{_attrs(attrs)}{transform}>{esc(text)}</text>")

    def pixels(self, x: float, y: float, w: float, h: float,
               rows: Sequence[Sequence[tuple[int, int, int]]], smooth: bool = False
               ) -> None:
        """A grid of colours (top row first) as one embedded PNG, one pixel per cell,
        drawn without smoothing (a dense heat map is one image, not thousands of cells)
        or ``smooth`` (a colour scale)."""
        rendering = None if smooth else "pixelated"
        attrs = dict(x=x, y=y, width=w, height=h, preserveAspectRatio="none",
                     image_rendering=rendering)
        data = base64.b64encode(png(rows)).decode("ascii")
        self.parts.append(f'<image{_attrs(attrs)} xlink:href="data:image/png;base64,{data}"/>')

    def document(self, title: str, desc: str) -> str:
        """The SVG document: its size in points, title and description for assistive
        technology, then the drawing."""
        w, h = num(self.width), num(self.height)
        return (f'<?xml version="1.0" encoding="utf-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" '
                f'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
                f'width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}" role="img" '
                f'aria-labelledby="title desc" font-family="{FONT_FAMILY}" '
                f'font-size="{num(self.size)}" fill="{self.fill}">\n'
                f'<title id="title">{esc(title)}</title>\n<desc id="desc">{esc(desc)}</desc>\n'
                + "\n".join(self.parts) + "\n</svg>\n")


def png(rows: Sequence[Sequence[tuple[int, int, int]]]) -> bytes:
    """An RGB PNG of ``rows`` of ``(r, g, b)`` pixels (0-255), deterministic bytes."""
    height, width = len(rows), len(rows[0]) if rows else 0

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# --- axes and labels --------------------------------------------------------------------

AXIS = "#768692"      # spines and tick marks (NHS mid grey)
GRID = "#E8EDEE"      # grid lines (NHS pale grey)
LEGEND_INK = "#212B32"
TICK = 3.5            # tick mark length [pt]
PAD = 4.0             # a chart's outer margin [pt]


def intervals(length: float, per: float) -> int:
    """How many tick intervals fit ``length`` [pt] at one per ``per`` [pt] (2 to 6)."""
    return max(2, min(6, int(length // per)))


def y_axis(d: Drawing, y: Scale, marks: Sequence[tuple[float, str]], x: float,
           grid_to: float | None = None, size: float | None = None) -> None:
    """A vertical axis at ``x``: spine, ticks and ``(value, label)`` marks to its left,
    grid lines across to ``grid_to``."""
    for value, label in marks:
        pos = y(value)
        if grid_to is not None:
            d.line(x, pos, grid_to, pos, GRID, 0.8)
        d.line(x - TICK, pos, x, pos, AXIS)
        d.text(x - TICK - 2, pos, label, anchor="end", size=size)
    d.line(x, y.r0, x, y.r1, AXIS)


def x_axis(d: Drawing, x: Scale, marks: Sequence[tuple[float, str]], y: float,
           label: str | None = None, size: float | None = None) -> None:
    """A horizontal axis at ``y``: spine, ticks and marks under it, then its label."""
    size = size or d.size
    d.line(x.r0, y, x.r1, y, AXIS)
    for value, text in marks:
        pos = x(value)
        d.line(pos, y, pos, y + TICK, AXIS)
        d.text(pos, y + TICK + 2 + 0.5 * size, text, anchor="middle", size=size)
    if label:
        centred(d, (x.r0 + x.r1) / 2, y + TICK + 4 + d.size * 1.7, label)


def centred(d: Drawing, x: float, y: float, text: str, size: float | None = None,
            bold: bool = False, fill: str | None = None) -> None:
    """``text`` centred on ``x`` but kept inside the chart (cut with an ellipsis if wider)."""
    size = size or d.size
    text = truncate(text, d.width - 2 * PAD, size, bold)
    half = text_width(text, size, bold) / 2
    x = min(max(x, PAD + half), d.width - PAD - half)
    d.text(x, y, text, anchor="middle", size=size, bold=bold, fill=fill)


def side_label(d: Drawing, x: float, y: float, text: str, side: int, colour: str,
               size: float) -> None:
    """A bold label beside a vertical line at ``x``: right of it (``side`` 1) or left (-1),
    moved over to the other side if it would leave the chart."""
    w = text_width(text, size, bold=True)
    if side > 0 and x + 3 + w > d.width - PAD:
        side = -1
    elif side < 0 and x - 3 - w < PAD:
        side = 1
    d.text(x + 3 * side, y, text, anchor="start" if side > 0 else "end", size=size,
           bold=True, fill=colour)


def legend(d: Drawing, entries: Sequence[tuple[str, str, str | None]], x0: float,
           x1: float, y: float, size: float, box: bool = False,
           align_right: bool = False) -> float:
    """Legend entries ``(label, colour, dash)`` flowing from ``x0`` to ``x1`` in rows from
    ``y`` (the middle of the first row), each a line sample (or a ``box``) and its label,
    cut with an ellipsis if longer than a row. Returns the middle of the last row [pt]."""
    sample, gap, step, line = (9.0 if box else 16.0), 4.0, 12.0, size * 1.45
    room = x1 - x0 - sample - gap
    rows: list[list] = [[]]
    width = 0.0
    for label, colour, dash in entries:
        label = truncate(label, room, size)
        w = sample + gap + text_width(label, size)
        if rows[-1] and width + step + w > x1 - x0:
            rows.append([])
            width = 0.0
        width += (step if rows[-1] else 0.0) + w
        rows[-1].append((label, colour, dash, w))
    for i, row in enumerate(rows):
        x = x1 - (sum(w for *_, w in row) + step * (len(row) - 1)) if align_right else x0
        cy = y + i * line
        for label, colour, dash, w in row:
            if box:
                d.rect(x, cy - 4, sample, 8, colour)
            else:
                d.line(x, cy, x + sample, cy, colour, 2.0, stroke_dasharray=dash)
            d.text(x + sample + gap, cy, label, size=size, fill=LEGEND_INK)
            x += w + step
    return y + (len(rows) - 1) * line


def left_margin(labels: Sequence[str], size: float, axis_label: float = 0.0) -> float:
    """Where a y axis goes [pt]: room for its widest tick label and, ``axis_label`` the
    font size of a label turned along it, for that label."""
    widest = max((text_width(t, size) for t in labels), default=0.0)
    return PAD + widest + 2 + TICK + axis_label * 1.4
