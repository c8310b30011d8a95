"""Fold developments, in their final form, into the views they touch, as JSON objects, in log order.

A rebuild reads every revision marker first, so each development is folded once as it finally stands
(`final_form`); the folder holds a capped number of views and spills the rest (`Spill`), and a
negotiation that sees a development out of story order turns stale, to be refolded from the timeline.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, NamedTuple, Protocol

from chronicle.domain.developments import TYPES
from chronicle.domain.keys import NEGOTIATION_PREFIX
from chronicle.domain.revisions import apply_changes_data
from chronicle.projections.fold import NO_STEP, touched, touched_data
from chronicle.projections.plainfold import (
    Data,
    PlainStep,
    apply_data,
    new_view_data,
    order_matters_data,
)

# What a rebuild keeps of a revision marker: the correction's id and its changes, or the retraction's id
# and None. Tuples, not the decoded events, which would hold every revision's whole model in memory.
Revision = tuple[str, dict[str, Any] | None]
# A view held in memory as the pass goes: its JSON object, its facts, and the story key it was folded to.
Held = list[Any]
# Views held in memory; past it, the least recently touched are written back (memory follows a cap).
CACHED_VIEWS = 8_000
EVICTED = 0.2  # the share of them written back at a time


class Final(NamedTuple):
    """A development in its final form, once every revision the log holds for it is applied."""

    keys: list[str]  # every entity it is indexed under (as recorded, and as corrected)
    now_keys: list[str]  # the entities it touches now
    current: Data  # its JSON object now
    corrected_by: list[str]
    retracted_by: str | None


def final_form(development: Data, revisions: dict[str, list[Revision]]) -> Final:
    keys = now_keys = touched_data(development)
    current = development
    corrected_by: list[str] = []
    retracted_by: str | None = None
    found = revisions.get(development["id"] or "")
    if found:
        # The same steps, in the same order, as catching up takes when each revision arrives; on the JSON
        # objects, which the log holds already (parsing each target first would cost a model per revision).
        kind = TYPES[development["type"]]
        for by, changes in found:
            if changes is not None:
                typed = apply_changes_data(kind, current, changes)
                current = typed.model_dump(mode="json")
                corrected_by.append(by)
                now_keys = touched(typed)
                keys = list(dict.fromkeys([*keys, *now_keys]))
            else:
                retracted_by = by
    return Final(keys, now_keys, current, corrected_by, retracted_by)


def is_revision(development: Data) -> bool:
    return development["type"] in ("correction", "retraction")


def fold_final(folder: PlainFolder, final: Final, position: int) -> None:
    """Fold a development as it now stands into the views it touches now; a retracted one, into none."""
    if final.retracted_by is None:
        current = final.current
        folder.fold(PlainStep.at(current, position), final.now_keys)


class Spill(Protocol):
    """Where a folder writes the views it lets go of, and reads them back when they are touched again."""

    def write(self, views: list[tuple[str, Held]]) -> None: ...

    def read(self, key: str) -> Held | None: ...


class PlainFolder:
    """Folds developments, in their final form, into the views they touch, as JSON objects, in log order.

    At most `CACHED_VIEWS` views are held; past it the least recently touched are spilled. A negotiation
    whose state machine sees a development out of story order turns `stale`: refolded at the end."""

    def __init__(self, spill: Spill) -> None:
        self.spill = spill
        self.held: dict[str, Held] = {}  # least recently touched first
        self.dirty: set[str] = set()  # held views changed since they were last spilled
        self.stale: set[str] = set()
        self.folded: set[str] = set()  # every view folded (held, or spilled)
        self.spilled: set[str] = set()

    def fold(self, step: PlainStep, keys: list[str]) -> None:
        """Apply a development to the views it touches, unless one must now be refolded in story order."""
        ordered = order_matters_data(NEGOTIATION_PREFIX, step.development["type"])
        held, stale, dirty = self.held, self.stale, self.dirty
        for key in keys:
            if key in stale:
                continue
            entry = held.pop(key, None) or self.load(key)  # re-inserted last: least recently touched first
            if ordered and step.key < entry[2] and key.startswith(NEGOTIATION_PREFIX):
                stale.add(key)  # folded from the timeline at the end, one at a time
                dirty.discard(key)
                continue
            apply_data(entry[0], step, entry[1])
            if entry[2] < step.key:
                entry[2] = step.key
            held[key] = entry
            dirty.add(key)
        self.folded.update(keys)

    def load(self, key: str) -> Held:
        """A view not held: as it was spilled, or new."""
        found = self.spill.read(key) if key in self.spilled else None
        return [new_view_data(key), {}, NO_STEP] if found is None else found

    def make_room(self) -> None:
        """If too many views are held, spill the least recently touched.

        Popularity is skewed (a few actors are in most developments), so the ones let go are rarely
        needed again; letting go of all of them at once made a large rebuild read views back for long."""
        if len(self.held) <= CACHED_VIEWS:
            return
        coldest = list(islice(self.held, max(1, int(len(self.held) * EVICTED))))
        self.spill.write([(key, self.held[key]) for key in sorted(self.dirty.intersection(coldest))])
        self.dirty.difference_update(coldest)
        for key in coldest:
            del self.held[key]
        self.spilled.update(coldest)
