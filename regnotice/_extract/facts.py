"""Typed facts for the parts the grammar found: lexicon and registry ids, each with the
words it was read from and their span.

The reader (:mod:`regnotice.reading`) finds the concepts in a part's text, longest phrase
first; this module decides which of them a rule states:

- a prohibition's actions, objects, territory and qualifiers come from its activities
  (and the objects from a bearer that names no party, "Virtual currencies cannot be
  ..."); a party after "to" or "for" is a party it serves ("... to domestic entities");
- an obligation's facts come from how its bearers are described ("... institutions
  providing RWA services overseas");
- a consequence's from its condition ("any unit or individual invests in ...");
- a penalty reaches the parties that open its conduct ("Member units that violate ...").

An activity from which no action can be read is kept on the rule as ``unresolved``.

>>> from regnotice.models import Extract, Span
>>> f = Facts("provide services to domestic entities overseas")
>>> part = Extract(text="provide services to domestic entities overseas", span=Span(start=0, end=46))
>>> read = f.read([part])
>>> [x.id for x in read.actions], [x.id for x in read.served], read.territory.id
(['service'], ['domestic-entity'], 'overseas')
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from ..models import Extract, Fact, Span
from ..reading import Reader, reader

__all__ = ["Facts", "Read"]

# Words that mark the party after them as the one an activity serves.
_SERVING = ("to", "for")
# Words that may open a penalty's conduct before the parties it names.
_OPENERS = ("for", "if", "any", "all", "and", "or", "a", "an", "the")


@dataclass
class Read:
    """The facts read from some parts."""

    actions: list[Fact] = field(default_factory=list)
    objects: list[Fact] = field(default_factory=list)
    territory: Fact | None = None
    served: list[Fact] = field(default_factory=list)
    qualifiers: list[Fact] = field(default_factory=list)
    unresolved: list[Extract] = field(default_factory=list)

    def add(self, kind: str, fact: Fact) -> None:
        if kind == "territory":
            if self.territory is None:
                self.territory = fact
            return
        target = getattr(self, kind)
        if all(f.id != fact.id for f in target):
            target.append(fact)


class Facts:
    """Reads facts from parts of a source (``source[start:end]`` gives the words)."""

    def __init__(self, source, reader_: Reader | None = None) -> None:
        self.source = source
        self.reader = reader_ or reader()
        norm = self.reader.lexicon.normalise  # the words compared in their normal form ("any" is "ani")
        self.serving = frozenset(norm(w) for w in _SERVING)
        self.openers = frozenset(norm(w) for w in _OPENERS)
        self._words: list | None = None  # the words of the sentence being read, at source offsets
        self._starts: list[int] = []
        self._sentence = ("", 0)
        self._matches: list | None = None
        self._match_starts: list[int] = []
        self._span = (0, -1)

    def sentence(self, text: str, base: int) -> None:
        """Read the words of the sentence whose parts come next once (parts are slices of it)."""
        self._sentence = (text, base)
        self._words = None
        self._matches = None
        self._span = (base, base + len(text))

    def _shared(self, part: Extract) -> bool:
        """Whether ``part`` is read from the sentence's shared words and matches: once the
        whole sentence is read, or for the whole sentence itself. A short part of a sentence
        read for nothing else ("Internet enterprises") is read alone."""
        start, end = part.span.start, part.span.end
        if not (self._span[0] <= start and end <= self._span[1]):
            return False
        return self._words is not None or (start, end) == self._span

    def _matches_of(self, part: Extract, ws: list):
        """The raw matches of the sentence (found once) that lie inside ``part``."""
        start, end = part.span.start, part.span.end
        if not self._shared(part):
            return self.reader.matcher.find(part.text, None, ws)
        if self._matches is None:
            self._matches = self.reader.matcher.find(self._sentence[0], None, self._words)
            self._match_starts = [m.start for m in self._matches]
        i = bisect_left(self._match_starts, start)
        out = []
        for m in self._matches[i:]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

    def _words_of(self, part: Extract) -> list:
        start, end = part.span.start, part.span.end
        if not self._shared(part):
            return self.reader.words_at(part.text, start)
        if self._words is None:  # the whole sentence, read once
            self._words = self.reader.words_at(*self._sentence)
            self._starts = [w.start for w in self._words]
        i = bisect_left(self._starts, start)
        j = bisect_left(self._starts, end, i)
        ws = self._words[i:j]
        while ws and ws[-1].end > end:
            ws.pop()
        if ws and ws[0].joined:
            ws[0] = ws[0]._replace(joined=False)
        return ws

    def _fact(self, ident: str, start: int, end: int) -> Fact:
        return Fact.trusted(id=ident, text=self.source[start:end], span=Span.trusted(start=start, end=end))

    def read(self, parts, *, served: bool = True, into: Read | None = None, kinds: tuple[str, ...] | None = None) -> Read:
        """The facts of ``parts`` (Extracts). ``served``: a party after "to"/"for" is one
        the activity serves. ``kinds`` limits what is read."""
        out = into or Read()
        for part in parts:
            ws = self._words_of(part)
            found = self.reader.light(self._matches_of(part, ws))  # light verbs only beside no other action
            found_action = False
            for m in found:
                kind = m.kind
                if kinds is not None and kind not in kinds:
                    continue
                fact = self._fact(m.id, m.start, m.end)
                if kind == "actions":
                    found_action = True
                    out.add("actions", fact)
                elif kind in ("objects", "territory", "qualifiers"):
                    out.add(kind, fact)
                elif kind == "party" and served:
                    k = bisect_left([w.start for w in ws], m.start)
                    if k and ws[k - 1].norm in self.serving:
                        out.add("served", fact)
            if kinds is None or "actions" in kinds:
                if not found_action:
                    out.unresolved.append(part)
        return out

    def leading_parties(self, part: Extract) -> list[Fact]:
        """The parties that open a text ("For domestic entities and individuals who
        ..." -> domestic-entity), before any other concept."""
        ws = self._words_of(part)
        out: list[Fact] = []
        at = part.span.start
        for m in self.reader.light(self._matches_of(part, ws)):
            between = [w for w in ws if at <= w.start and w.end <= m.start]
            if any(w.norm not in self.openers for w in between):
                break
            if m.kind != "party":
                break
            out.append(self._fact(m.id, m.start, m.end))
            at = m.end
        return out
