"""The Transformer: each rule of ``grammars/rules.lark`` to a draft of a typed rule, and
the inline parser that calls it while it parses."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from lark import Lark, Token, Transformer

from ..front import find_doc_numbers
from ..models import (
    Condition,
    Consequence,
    Definition,
    EntryIntoForce,
    ExceptionRule,
    Extract,
    Obligation,
    Penalty,
    Prohibition,
    Repeal,
    Responsibility,
    Span,
)
from .lexer import _CJK, _SERIES, _TRIM, _SentenceLexer, _grammar
from .lists import _LEAD_CONJ, _pieces
from .parts import (
    _conditions,
    _Draft,
    _last_clause,
    _Parts,
    _quoted,
    _split_last_comma,
    _terms,
)

_SUCH_AS = re.compile(r"(?<![,\s])[,\s]++such\s++as\s++", re.I)
_UNAUTHORIZED = re.compile(r"\bunauthori[sz]ed\b", re.I)
_EXAMPLES = re.compile(r"\b(?:such\s+as|including)\b|\(", re.I)
_PRONOUNS = frozenset({"they", "them", "it", "these", "those", "such entities", "such institutions"})
_RELATIVE = re.compile(r"^(?:that|which|who|whose|whom)\b", re.I)


_ADVERBIAL = re.compile(
    r"^(?:upon|based\s+on|according\s+to|in\s+accordance\s+with|after|when|for|by|through|in\s+order\s+to"
    r"|at\s+(?:this|the\s+present)\s+stage|at\s+present|currently|henceforth|from\s+now\s+on"
    r"|altogether|in\s+addition|meanwhile|moreover|furthermore|at\s+the\s+same\s+time)\b",
    re.I,
)
# A Chinese subject that opens with a preposition is the topic of the sentence ("在...中",
# "对...的企业"), not who bears the rule.
_ZH_TOPIC = re.compile(r"^(?:在|对|按照|根据|依据|通过|为)")
# "X cannot be used as currency": a passive, whose subject is what the rule is about.
_PASSIVE = re.compile(r"^(?:be|being)\s+(?:[a-z]+ly\s+)?(?P<verb>[a-z]+)\b", re.I)


class _SentenceTransformer(Transformer):
    def __init__(self, parts: _Parts, base: int, previous_bearers: list[Extract]) -> None:
        super().__init__(visit_tokens=False)
        self.p = parts
        self.base = base
        self.previous = previous_bearers

    # helpers ---------------------------------------------------------------
    def _text(self, tok: Token) -> tuple[str, int]:
        return str(tok), tok.start_pos + self.base

    def _subject(self, tok: Token) -> list[Extract]:
        """The bearers named by the text before a cue: an adverbial head ("Upon ...,")
        is dropped, and of a compound sentence only the parties that close it count."""
        text, start = self._text(tok)
        if text.strip(_TRIM).lower() in _PRONOUNS or text.split(" ", 1)[0].lower() in _PRONOUNS:
            return list(self.previous)
        text, start = self._adverbial_stripped(text, start)
        if text.strip(_TRIM).lower() in _PRONOUNS:
            return list(self.previous)
        if _ZH_TOPIC.match(text):  # "对不按期淘汰的企业，要...": a topic, no bearer
            return []
        parties = self.p.parties(text, start)
        if parties and not any(p.ref for p in parties):
            # No list of known parties: one bearer, described in full ("Domestic entities
            # engaging ... overseas"), typed by the party its text opens with, if any.
            opening = self.p.registry.match_prefix(text.strip(_TRIM))
            return [self.p.extract(text, start, opening[0] if opening else None)]
        if parties and not all(p.ref for p in parties):
            tail = []  # keep the resolved parties that close the text, else all
            for party in reversed(parties):
                if not party.ref:
                    break
                tail.insert(0, party)
            parties = tail or parties
            if len(parties) == 1 and not parties[0].ref:
                last = parties[0].text.split(",")[-1]
                if last.strip(_TRIM).lower() in _PRONOUNS:
                    return list(self.previous)
        return parties

    def _complement(self, children) -> tuple[Token | None, "_Draft | None"]:
        tail = next((c for c in children if isinstance(c, Token) and c.type in ("TAIL", "ARG")), None)
        exception = next((c for c in children if isinstance(c, _Draft) and c.cls is ExceptionRule), None)
        return tail, exception

    def _scope(self, *tokens: Token | None) -> list[Extract]:
        """Parts of a sentence that place its activities without being them (the tail of
        a passive prohibition): facts.py reads objects and territory from them too."""
        return [self.p.extract(*self._text(t)) for t in tokens if t is not None and str(t).strip(_TRIM)]

    def _prohibition(
        self, bearers: list[Extract], activity: Token | None, cue: Token | str, exception, scope: list[Extract] | None = None, series=()
    ) -> _Draft:
        """A prohibition; ``scope`` and the ``cue`` (a token, with its position) are the
        parts facts.py reads qualifiers and places from besides the activities;
        ``series`` the activities of the cues before the last ("may not A, may not B")."""
        activities: list[Extract] = [a for tok in series for a in self.p.items(*self._text(tok), kind="activities")]
        atext = ""
        if activity is not None:
            atext, astart = self._text(activity)
            activities += self.p.items(atext, astart, kind="activities")
        fields = dict(
            bearers=tuple(bearers),
            activities=tuple(activities),
            terms=_terms(atext),
            _scope=(*(scope or ()), *(self._scope(cue) if isinstance(cue, Token) else ())),
        )
        # "unauthorized" among the examples an activity gives ("such as unauthorized
        # offerings") qualifies them; only on the activity itself does it imply an exception
        head = _EXAMPLES.split(atext, 1)[0]
        unauthorized = _UNAUTHORIZED.search(head) if activity is not None else None
        if exception is None and unauthorized:
            # "unauthorized X" prohibits X done without authorization: an implied exception.
            start = astart + unauthorized.start()
            condition = Condition(kind="authorization", text=unauthorized.group(), span=Span(start=start, end=start + len(unauthorized.group())))
            exception = _Draft(ExceptionRule, dict(conditions=(condition,)))
        return _Draft(Prohibition, fields, exception)

    # grammar rules -----------------------------------------------------------
    def sentence(self, children) -> list[_Draft]:
        out: list[_Draft] = []
        for child in children:
            out += child if isinstance(child, list) else [child] if isinstance(child, _Draft) else []
        return out

    def prohibiting(self, children) -> Token:
        return children[0]

    def exception(self, children) -> _Draft:
        text, start = self._text(children[1])
        return _Draft(ExceptionRule, dict(conditions=_conditions(self.p, text, start)))

    def prohibition(self, children) -> _Draft:
        subject, cue = children[0], children[1]
        series = [c for c in children[2:] if isinstance(c, Token) and c.type == "ACT"]
        last = max((i for i, c in enumerate(children) if isinstance(c, Token) and c.type in _SERIES), default=1)
        activity, exception = self._complement(children[last + 1 :])
        if not series and activity is not None and self._passive(str(activity)):
            # "Bitcoin cannot be used as currency": no bearer; the subject is the topic
            draft = self._prohibition([], activity, cue, exception)
            draft.fields["_topic"] = tuple(self._subject(subject))  # "They ...": what was named before
            return draft
        return self._prohibition(self._subject(subject), activity, cue, exception, series=series)

    def _passive(self, text: str) -> bool:
        m = _PASSIVE.match(text)
        if not m:
            return False
        verb = m["verb"].lower()
        return verb.endswith(("ed", "en", "wn")) or verb in self.p.participles

    def bare_prohibition(self, children) -> _Draft:
        series = [c for c in children if isinstance(c, Token) and c.type == "ACT"]
        last = max(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "NOT_TO")
        activity, exception = self._complement(children[last + 1 :])
        return self._prohibition(list(self.previous), activity, children[0], exception, series=series)

    def imperative_prohibition(self, children) -> _Draft:
        activity, exception = self._complement(children[1:])
        bearers: list[Extract] = []
        if activity is not None and _CJK.match(str(activity)):
            # "严禁金融机构、非银行支付机构等以任何形式...": whom it binds opens the text
            text, start = self._text(activity)
            bearers, rest, rstart = self.p.leading_parties_zh(text, start)
            if bearers and rest:
                activity = Token(activity.type, rest, start_pos=rstart - self.base)
            else:
                bearers = []
        return self._prohibition(bearers, activity, children[0], exception)

    def duty(self, children) -> _Draft:
        cue = children[0]
        if cue.type == "DUTY" and len(children) > 1:  # the verb is part of the duty
            start, end = cue.start_pos + self.base, children[1].end_pos + self.base
            duties = self.p.items(self.p.source[start:end], start, kind="activities")
        elif cue.type == "DUTY":
            duties = [self.p.extract(*self._text(cue))]
        else:
            duties = self.p.items(*self._text(children[1]), kind="activities") if len(children) > 1 else []
        return _Draft(Obligation, dict(bearers=(), duties=tuple(duties)))

    def lead_in(self, children) -> None:
        return None  # "The notice stipulates that": the rule it reports follows

    def classification(self, children) -> Token:
        return children[1]

    def passive_prohibition(self, children) -> _Draft:
        subject = children[0]
        classified = next((c for c in children[1:] if isinstance(c, Token) and c.type == "SUBJ"), None)
        cue = next(c for c in children if isinstance(c, Token) and c.type == "PROHIBITED_PASSIVE")
        tail, exception = self._complement(children[children.index(cue) + 1 :])
        return self._prohibition([], _last_clause(subject), cue, exception, self._scope(classified, tail))

    def negative_prohibition(self, children) -> _Draft:
        activity, exception = self._complement(children[3:])
        return self._prohibition(self._subject(children[1]), activity, "no", exception)

    def impersonal_prohibition(self, children) -> _Draft:
        text, start = self._text(children[1])
        m = re.search(r"(?<!\s)\s++to\s++", text)
        if not m:
            return self._prohibition([], children[1], children[0], None)
        bearers = self.p.parties(text[: m.start()], start)
        activities = self.p.items(text[m.end() :], start + m.end(), kind="activities")
        fields = dict(bearers=tuple(bearers), activities=tuple(activities), _scope=tuple(self._scope(children[0], children[1])))
        return _Draft(Prohibition, fields)

    def conditional_prohibition(self, children) -> _Draft:
        if children[0].type == "ARG":  # "X, without the consent of Y, may not A"
            activity, exception = self._complement(children[4:])
            draft = self._prohibition(self._subject(children[0]), activity, children[3], exception)
            draft.exception = _Draft(ExceptionRule, dict(conditions=_conditions(self.p, *self._text(children[2]))))
            return draft
        text, start = self._text(children[1])
        if len(children) > 2 and isinstance(children[2], Token) and children[2].type == "NO":
            condition_text, condition_start = text, start
            subject = self._subject(children[3])
            activity, exception = self._complement(children[5:])
            cue = "no ... may"
        else:
            head, cut = _split_last_comma(text)
            condition_text, condition_start = head, start
            subject_token = Token("SUBJ", text[cut:], start_pos=children[1].start_pos + cut)
            subject = self._subject(subject_token)
            activity, exception = self._complement(children[3:])
            cue = children[2]
        draft = self._prohibition(subject, activity, cue, exception)
        draft.exception = _Draft(ExceptionRule, dict(conditions=_conditions(self.p, condition_text, condition_start)))
        return draft

    def definition(self, children) -> _Draft:
        term_text, term_start = self._text(children[0])
        meaning_text, meaning_start = self._text(children[2])
        examples: list[Extract] = []
        m = _SUCH_AS.search(term_text)
        if m:  # "Virtual currencies such as Bitcoin, Ether, Tether, etc."
            examples = self.p.items(term_text[m.end() :], term_start + m.end())
            term_text = term_text[: m.start()]
        return _Draft(
            Definition,
            dict(term=self.p.extract(term_text, term_start), meaning=self.p.extract(meaning_text, meaning_start), examples=tuple(examples)),
        )

    def coordination(self, children) -> tuple[str, Token | None]:
        return ("coordination", children[1] if len(children) > 1 else None)

    def respective(self, children) -> tuple[str, Token | None]:
        return ("respective", children[1] if len(children) > 1 else None)

    def _adverbial_stripped(self, text: str, start: int) -> tuple[str, int]:
        """``text`` without an opening adverbial phrase ("Upon discovering X, ...")."""
        pieces = _pieces(text, start)
        if len(pieces) > 1 and _ADVERBIAL.match(pieces[0][0]):
            cut = pieces[1][1] - start
            return text[cut:], start + cut
        return text, start

    def participation(self, children) -> tuple[str, Token]:
        return ("participation", children[1])

    def _duties_and_coordinators(self, rest) -> tuple[list[Extract], list[Extract]]:
        duties: list[Extract] = []
        coordinators: list[Extract] = []
        for item in rest:
            if isinstance(item, tuple) and item[1] is None:
                continue
            if isinstance(item, tuple) and item[0] == "respective":
                item = item[1]
            if isinstance(item, tuple) and item[0] == "coordination":
                text, start = self._text(item[1])
                found, remainder, rstart = self.p.leading_parties(text, start)
                coordinators += found
                if remainder:
                    duties += self.p.items(remainder, rstart, kind="activities")
            elif isinstance(item, Token) and item.type in ("TAIL", "ARG"):
                text, start = self._text(item)
                duties += self.p.items(text, start, kind="activities")
        return duties, coordinators

    def responsibility(self, children) -> _Draft:
        participants: list[Extract] = []
        if isinstance(children[0], Token) and children[0].type == "ARG":
            # "A, B, and other departments, in accordance with their respective
            # responsibilities, D" or "... and other departments regulate it according to ..."
            text, start = self._text(children[0])
            lead, remainder, rstart = self.p.leading_parties(*self._adverbial_stripped(text, start))
            rest = [Token("TAIL", remainder, start_pos=rstart - self.base)] if remainder else []
            rest += children[1:]
        else:
            lead = self._subject(children[0])
            rest = list(children[2:])
            if rest and isinstance(rest[0], Token) and rest[0].type == "SUBJ":
                participants = self.p.parties(*self._text(rest[0]))
                rest = rest[2:]
            elif rest and isinstance(rest[0], Token) and rest[0].type in ("TAIL", "ARG"):
                # "X, together with relevant departments, strictly controls ...": the
                # parties at the head of the text participate; the rest are duties.
                text, start = self._text(rest[0])
                participants, remainder, rstart = self.p.leading_parties(text, start)
                rest = [Token("TAIL", remainder, start_pos=rstart - self.base)] if remainder else []
                rest += children[3:]
        duties, coordinators = self._duties_and_coordinators(rest)
        return _Draft(Responsibility, dict(lead=tuple(lead), participants=tuple(participants), coordinators=tuple(coordinators), duties=tuple(duties)))

    def overall_responsibility(self, children) -> _Draft:
        lead = self._subject(children[0])
        scope = self.p.extract(*self._text(children[2])) if len(children) > 2 else None
        return _Draft(Responsibility, dict(lead=tuple(lead), scope=scope))

    def leading_department(self, children) -> _Draft:
        lead: list[Extract] = []
        participants: list[Extract] = []
        rest = []
        for child in children[1:]:
            if isinstance(child, Token):
                lead = self.p.parties(*self._text(child))
            elif child[0] == "participation":
                participants = self.p.parties(*self._text(child[1]))
            else:
                rest.append(child)
        duties, coordinators = self._duties_and_coordinators(rest)
        return _Draft(Responsibility, dict(lead=tuple(lead), participants=tuple(participants), coordinators=tuple(coordinators), duties=tuple(duties)))

    def obligation(self, children) -> _Draft:
        if isinstance(children[0], Token) and children[0].type == "IF":
            children = children[1:]  # "If C, X should D": the subject follows the last comma
            text, start = self._text(children[0])
            _, cut = _split_last_comma(text)
            children = [Token("SUBJ", text[cut:], start_pos=children[0].start_pos + cut), *children[1:]]
        bearers = self._subject(children[0])
        duties, _ = self._duties_and_coordinators(children[2:])
        return _Draft(Obligation, dict(bearers=tuple(bearers), duties=tuple(duties)))

    def penalty(self, children) -> _Draft:
        conduct: list[Extract] = []
        sanction_tok = next(c for c in children if isinstance(c, Token) and c.type == "SANCTION")
        subjects = [c for c in children if isinstance(c, Token) and c.type == "SUBJ"]
        if subjects:
            conduct = self.p.items(*self._adverbial_stripped(*self._text(subjects[-1])), kind="activities")
        idx = children.index(sanction_tok)
        end_tok = children[idx + 1] if idx + 1 < len(children) else sanction_tok
        start = sanction_tok.start_pos + self.base
        end = end_tok.end_pos + self.base
        sanction = self.p.extract(self.p.source[start:end], start)
        criminal = "criminal" in str(sanction_tok).lower() or "刑事" in str(sanction_tok)
        return _Draft(Penalty, dict(conduct=tuple(conduct), sanction=sanction, criminal=criminal))

    def consequence(self, children) -> _Draft:
        text, start = self._text(children[1])
        head, cut = _split_last_comma(text)
        condition = self.p.extract(head or text, start)
        results: list[Extract] = []
        result_start = start + cut if head else None
        for i, child in enumerate(children[2:], 2):
            if isinstance(child, Token) and child.type in ("INVALID", "BORNE"):
                begin = result_start if result_start is not None else child.start_pos + self.base
                nxt = children[i + 1] if i + 1 < len(children) else None
                finish = (nxt.end_pos if isinstance(nxt, Token) and nxt.type == "TAIL" else child.end_pos) + self.base
                text = self.p.source[begin:finish]
                conj = _LEAD_CONJ.match(text)
                if conj:
                    text, begin = text[conj.end() :], begin + conj.end()
                results.append(self.p.extract(text, begin))
                result_start = None
            elif isinstance(child, Token) and child.type == "SUBJ":
                result_start = child.start_pos + self.base
        return _Draft(Consequence, dict(condition=condition, results=tuple(results)))

    def repeal(self, children) -> _Draft:
        text, start = self._text(children[0])
        numbers = tuple(n for n, _ in find_doc_numbers(text))
        title = _quoted(self.p, text, start)
        return _Draft(Repeal, dict(repealed=numbers, title=title))

    def statement(self, children) -> list:
        text, start = self._adverbial_stripped(*self._text(children[0]))
        lead, remainder, rstart = self.p.leading_parties(text, start)
        if not lead or not remainder or _RELATIVE.match(remainder):
            return []
        duties = self.p.items(remainder, rstart, kind="activities")
        return [_Draft(Responsibility, dict(lead=tuple(lead), duties=tuple(duties)))]

    def entry_into_force(self, children) -> _Draft:
        if len(children) > 2:
            when = self.p.extract(*self._text(children[2]))
        else:
            when = self.p.extract(*self._text(children[1]))
        return _Draft(EntryIntoForce, dict(when=when))


class _Dispatch:
    """The callbacks Lark calls while it parses (an inline transformer, so no tree is
    built and none is walked afterwards). Each hands the children to the
    ``_SentenceTransformer`` of the sentence being parsed in this thread."""

    def __getattr__(self, name: str):
        method = getattr(_SentenceTransformer, name, None)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)

        def call(children, _name=name):
            return getattr(_CURRENT.transformer, _name)(children)

        return call


_CURRENT = threading.local()


@lru_cache(maxsize=None)
def _inline_sentence_parser() -> Lark:
    return Lark(
        _grammar(), parser="lalr", lexer=_SentenceLexer, start="sentence", maybe_placeholders=False, transformer=_Dispatch()
    )
