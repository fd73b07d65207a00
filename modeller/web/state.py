"""The web app's server-side state, bounded whatever the clients do.

Two stores, both least-recently-used and capped, so that memory stays bounded however
many browsers, uploads or scenarios arrive:

- :class:`SetStore`: assumption sets by their SHA-256 hash. The page carries the hash
  of the set its form edits (its *base*: the served set, an upload, or a set whose
  conditions were added or removed) in a hidden field; every request applies the form's
  values to that base. The served set is pinned and never evicted.
- :class:`Sessions`: the scenarios a browser has kept, by a random session id held in
  a cookie; at most :data:`MAX_SCENARIOS` per session and :data:`MAX_SESSIONS`
  sessions (the least recently used is dropped).

Both are used from the event loop and from worker threads, so each takes a lock.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_SETS = 200          # base sets kept (uploads, condition edits) [sets]
MAX_SESSIONS = 100      # browsers with kept scenarios [sessions]
MAX_SCENARIOS = 8       # scenarios one browser can keep [scenarios]
MAX_NAME = 60           # length of a scenario's name [characters]


class SetStore:
    """Assumption sets by hash: a bounded LRU, with the served set pinned."""

    def __init__(self, pinned: Any, limit: int = MAX_SETS):
        self._lock = threading.Lock()
        self._sets: OrderedDict[str, Any] = OrderedDict()
        self._limit = limit
        self.pinned = pinned

    def add(self, s: Any) -> str:
        """Keep ``s`` (an :class:`modeller.AssumptionSet`); return its hash."""
        if s.hash == self.pinned.hash:
            return s.hash
        with self._lock:
            self._sets[s.hash] = s
            self._sets.move_to_end(s.hash)
            while len(self._sets) > self._limit:
                self._sets.popitem(last=False)
        return s.hash

    def get(self, digest: str | None) -> Any | None:
        """The set with this hash, or None when unknown (or evicted)."""
        if not digest or digest == self.pinned.hash:
            return self.pinned
        with self._lock:
            s = self._sets.get(digest)
            if s is not None:
                self._sets.move_to_end(digest)
            return s

    def __len__(self) -> int:
        return len(self._sets)


@dataclass(frozen=True)
class Scenario:
    """A kept scenario: its name, the set and the results dict of its run."""

    name: str
    set: Any
    results: dict


class ScenarioLimit(Exception):
    """A scenario that cannot be kept (too many, or a name already used)."""


class Sessions:
    """Kept scenarios by session id: a bounded LRU of bounded lists."""

    def __init__(self, limit: int = MAX_SESSIONS, per_session: int = MAX_SCENARIOS):
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, list[Scenario]] = OrderedDict()
        self._limit = limit
        self.per_session = per_session

    @staticmethod
    def new_id() -> str:
        """A fresh, unguessable session id."""
        return secrets.token_urlsafe(18)

    def scenarios(self, sid: str | None) -> list[Scenario]:
        """The scenarios kept by this session, oldest first (a copy)."""
        with self._lock:
            if sid in self._sessions:
                self._sessions.move_to_end(sid)
                return list(self._sessions[sid])
            return []

    def keep(self, sid: str, scenario: Scenario) -> None:
        """Keep a scenario; raise :class:`ScenarioLimit` when full or the name is used."""
        with self._lock:
            kept = self._sessions.setdefault(sid, [])
            self._sessions.move_to_end(sid)
            if any(s.name == scenario.name for s in kept):
                raise ScenarioLimit(f"a scenario named “{scenario.name}” is already kept; "
                                    "choose another name")
            if len(kept) >= self.per_session:
                raise ScenarioLimit(f"at most {self.per_session} scenarios can be kept; "
                                    "remove one first")
            kept.append(scenario)
            while len(self._sessions) > self._limit:
                self._sessions.popitem(last=False)

    def remove(self, sid: str | None, index: int) -> None:
        """Forget the scenario at ``index`` (ignored when there is none)."""
        with self._lock:
            kept = self._sessions.get(sid or "")
            if kept is not None and 0 <= index < len(kept):
                del kept[index]

    def __len__(self) -> int:
        return len(self._sessions)
