"""Sentences to typed rules.

Each sentence of each clause is parsed with ``grammars/rules.lark`` (LALR). The lexer
here finds the grammar's cue phrases and hands the parser the text between them as one
token typed by what follows it (``SUBJ``, ``ARG``, ``TAIL``; see the grammar's header).
The Transformer turns each grammar rule into a typed rule; the parts it names
(bearers, activities, agencies, conditions) are split into list items and resolved
against the registry (``agencies.py``) here, each part with its own span. Then
``facts.py`` reads the typed facts of each rule from its parts through the lexicon and the
registry (actions, objects, territory, served parties, qualifiers; the parties a penalty
reaches): ids, each with the words it came from and their span. What the checker evaluates
is these facts, and only these.

Modules: ``lexer`` (cue lexers, the grammar), ``lists`` (list splitting), ``parts``
(parts, conditions, references), ``transformer`` (one method per grammar rule), ``facts``
(lexicon and registry ids), ``rules`` (the driver: sentences, clauses, a notice).

A sentence the grammar does not accept is kept as an ``unmodeled`` rule, with its span.

Lists split on top-level commas (outside brackets and quotes), with the Oxford comma,
"and"/"or", "as well as" and a closing "etc." handled. A list of parties also splits an
item on "and"/"or" when every piece names a registry entry ("intermediary institutions
and information technology service providers"), but not otherwise ("China Banking and
Insurance Regulatory Commission"), and "X (including Y)" yields both X and Y. A list of
activities that starts with a gerund ("providing ...") splits only before gerunds, so
"providing account opening, fund transfer, and clearing services" stays one activity.
"""

from __future__ import annotations

from .lists import split_list
from .rules import extract_rules, extract_sentence

__all__ = ["extract_rules", "extract_sentence", "split_list"]
