"""Rules compiled for checking: each rule's typed facts as sets of ids, and an index from
actions and parties to the rules they can fire.

Only typed fields are read: bearer and party ids, action, object, territory, served and
qualifier ids, exception ids and conditions. No quote, no rule text, no extraction
helper: what the rule file says is what the checker evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..agencies import Registry
from .cache import LRU

__all__ = ["Signature", "Index", "signature"]


@dataclass(frozen=True, eq=False)  # compared by identity: a rule compiled once
class Signature:
    """The facts a rule turns on; ``None`` where the rule states none."""

    rule: object
    parties: frozenset[str] | None  # None: binds anyone
    actions: frozenset[str] | None
    objects: frozenset[str] | None
    territory: str | None
    served: frozenset[str] | None


def _ids(facts) -> frozenset[str] | None:
    return frozenset(f.id for f in facts) or None


def _parties(parts, reg: Registry) -> frozenset[str] | None:
    """The registry ids of the parties (or agencies: a department may be the actor) named."""
    return frozenset(p.ref for p in parts if p.ref and p.ref in reg) or None


def signature(rule, reg: Registry) -> Signature:
    """The signature of a prohibition, an obligation or a consequence."""
    kind = rule.kind
    if kind == "prohibition":
        return Signature(
            rule,
            _parties(rule.bearers, reg),
            _ids(rule.actions),
            _ids(rule.objects),
            rule.territory.id if rule.territory else None,
            _ids(rule.served),
        )
    if kind == "obligation":
        return Signature(
            rule, _parties(rule.bearers, reg), _ids(rule.actions), _ids(rule.objects), rule.territory.id if rule.territory else None, None
        )
    if kind == "consequence":
        parties = frozenset(p.id for p in rule.parties if p.id in reg) or None
        return Signature(rule, parties, _ids(rule.actions), _ids(rule.objects), None, None)
    raise ValueError(f"no signature for a {kind} rule")


class Index:
    """Signatures by action and by party: a check tries only the rules its actions and its
    actor could fire, in rule order (memoised on the actor's kinds and the actions)."""

    def __init__(self, signatures: list[Signature], cache_limit: int = 4096) -> None:
        self.all = signatures
        self.order = {id(sig): i for i, sig in enumerate(signatures)}
        self.by_action: dict[str, list[Signature]] = {}
        self.by_party: dict[str, list[Signature]] = {}
        self.any_action = [sig for sig in signatures if sig.actions is None]
        self.any_party = [sig for sig in signatures if sig.parties is None]
        self._cache = LRU(cache_limit)  # (kinds, actions) -> candidates, least recently used first out
        for sig in signatures:
            for a in sig.actions or ():
                self.by_action.setdefault(a, []).append(sig)
            for p in sig.parties or ():
                self.by_party.setdefault(p, []).append(sig)

    def candidates(self, kinds: frozenset[str], actions: frozenset[str]) -> list[Signature]:
        key = (kinds, actions)
        found = self._cache.get(key)
        if found is None:
            found = self._candidates(kinds, actions)
            self._cache.put(key, found)
        return found

    def _candidates(self, kinds: frozenset[str], actions: frozenset[str]) -> list[Signature]:
        if actions:
            by_action = {id(c) for a in actions for c in self.by_action.get(a, ())} | {id(c) for c in self.any_action}
        else:  # no actions given: every rule is a candidate, and one that names actions needs them
            by_action = set(self.order)
        by_party = {id(c) for k in kinds for c in self.by_party.get(k, ())} | {id(c) for c in self.any_party}
        keep = by_action & by_party
        return [sig for sig in self.all if id(sig) in keep] if keep else []
