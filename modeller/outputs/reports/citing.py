"""Numbered citations for one report: [1], [2] ... in order of first use.

A :class:`Citer` is made for each render of a report and passed to the template as
``cite``. Templates render top to bottom, so the order in which ``cite`` is called is the
order of first use in the document. Each call finds the references a text names
(:func:`modeller.inputs.references.find`: a reference's ``cite_as`` text, or a seed
location, which becomes its reference and locator), numbers them, and returns the text
as HTML with each reference replaced by a link to its entry in the reference list:

* full (business case): ``NHS England (2017), IAPT-LTC FAQ [1], Table 3 ('...')``
* compact (one-page reports, narrow columns): ``[1] Table 3``

A seed location (``FILE.txt:LINES``) never reaches the reader: it is always replaced by
its reference. The reference list is :meth:`Citer.entries` (``{"n", "id", "text",
"address"}``), rendered after the body.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from modeller.inputs import references as refs
from modeller.outputs.reports.wording import plain_text


class Citer:
    """Numbers references in order of first use and renders citations as HTML links."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._order: list[refs.Reference] = []

    def number(self, reference: refs.Reference) -> int:
        """The reference's number, assigning the next one on first use."""
        if reference.id not in self._numbers:
            self._order.append(reference)
            self._numbers[reference.id] = len(self._order)
        return self._numbers[reference.id]

    def _link(self, reference: refs.Reference) -> Markup:
        n = self.number(reference)
        return Markup('<a class="ref" href="#ref-{0}">[{0}]</a>').format(n)

    def __call__(self, text: str | None, compact: bool = False, missing: str = "",
                 limit: int = 60) -> Markup:
        """``text`` with its references numbered and linked (see the module docstring).

        ``compact`` keeps only the references and their locators ("[1] Table 3; [2]
        section 6.7"); a text that names no reference is then cut to ``limit``
        characters.
        """
        if not text:
            return Markup(escape(missing))
        mentions = refs.find(text)
        if not any(m.seed for m in mentions):  # seed locations keep their exact offsets
            text = plain_text(text)
            mentions = refs.find(text)
        if compact:
            return self._compact(text, mentions, limit)
        out, pos = [], 0
        for m in mentions:
            if m.start < pos:
                continue
            out.append(escape(text[pos:m.start]))
            if m.seed is None:
                out.append(escape(m.reference.cite_as) + Markup(" ") + self._link(m.reference))
            else:
                locator = refs.short_locator(m.locator)
                out.append(escape(m.reference.cite_as) + Markup(" ") + self._link(m.reference)
                           + (escape(f", {locator}") if locator else ""))
            pos = m.end
        out.append(escape(text[pos:]))
        return Markup(plain_text(str(Markup("").join(out))))

    def _compact(self, text: str, mentions: list[refs.Mention], limit: int) -> Markup:
        if not mentions:
            text = plain_text(text)
            short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
            return Markup(escape(short))
        parts, seen = [], set()
        located = {m.reference.id for m in mentions if refs.short_locator(m.locator)}
        for m in mentions:
            locator = refs.short_locator(m.locator)
            if locator and locator.startswith("section "):
                locator = locator.split(" (", 1)[0]
            key = (m.reference.id, locator)
            # "[1] Table 3; [1]": a bare mention adds nothing beside a located one
            if key in seen or (not locator and m.reference.id in located):
                continue
            seen.add(key)
            parts.append(self._link(m.reference) + (escape(f" {locator}") if locator else ""))
        return Markup("; ").join(parts)

    def several(self, texts: list[str]) -> Markup:
        """Compact citations of several sources, each citation once ("[1] Table 1; [1]
        Table 3", not "[1] Table 3; [1] Table 3")."""
        parts = [self(text, compact=True) for text in texts if text]
        return Markup("; ").join(dict.fromkeys(p for part in parts
                                               for p in part.split(Markup("; "))))

    def entries(self) -> list[dict]:
        """The reference list so far: ``{"n", "id", "text", "address", "short"}`` in
        number order (``short`` is the reference as cited, for one-page reports)."""
        return [{"n": i, "id": r.id, "text": r.entry(address=False), "address": r.address,
                 "short": r.cite_as}
                for i, r in enumerate(self._order, start=1)]

