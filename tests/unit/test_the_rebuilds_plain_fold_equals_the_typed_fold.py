"""A rebuild folds developments as their stored JSON objects (`plainfold`); every other reader folds typed
models (`fold`). For any developments, in any order, both give the same view and the same facts."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from storygen import stories

from chronicle.domain.developments import CorrectionIssued, RetractionIssued
from chronicle.projections.fold import Step, apply, new_view, touched, touched_data
from chronicle.projections.plainfold import PlainStep, apply_data, new_view_data, view_from_data
from chronicle.service.interchange import parse_development

SOURCES = st.lists(
    st.fixed_dictionaries(
        {"publisher": st.sampled_from(["Reuters", " reuters ", "AFP", "Rudaw", "İstanbul Haber"])},
        optional={"id": st.sampled_from(["informant-7", "s2"]), "confidential": st.booleans()},
    ).filter(lambda s: not s.get("confidential") or "id" in s),
    max_size=3,
)
TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=12)


def _developments(batches: list[list[dict[str, Any]]], data: Any) -> list[Any]:
    found = []
    for row in (r for batch in batches for r in batch):
        row = {**row, "sources": data.draw(SOURCES), "summary": data.draw(TEXT)}
        if row["type"] == "figure_reported":
            row["value"] = data.draw(st.one_of(st.integers(-(2**53) + 1, 2**53 - 1), st.floats(-1e300, 1e300)))
        development = parse_development(row)
        if not isinstance(development, CorrectionIssued | RetractionIssued):
            found.append(development)
    return found


@settings(max_examples=150, deadline=None)
@given(batches=stories(), data=st.data())
def test_plain_fold_equals_typed_fold_in_any_order(batches, data):
    developments = data.draw(st.permutations(_developments(batches, data)))
    keys = sorted({k for d in developments for k in touched(d)})
    for key in keys:
        typed, typed_facts = new_view(key), {}
        plain, plain_facts = new_view_data(key), {}
        for position, development in enumerate(developments, 1):
            stored = orjson.loads(orjson.dumps(development.model_dump(mode="json")))  # as the log holds it
            assert touched_data(stored) == touched(development)
            if key not in touched(development):
                continue
            step = Step(development, position)
            apply(typed, step, typed_facts)
            apply_data(plain, PlainStep(stored, step.key), plain_facts)
        assert view_from_data(key, plain).model_dump_json() == typed.model_dump_json()
        assert plain_facts == typed_facts


@settings(max_examples=100, deadline=None)
@given(batches=stories(), data=st.data())
def test_a_development_changes_only_the_actor_fields_its_type_names(batches, data):
    """`history` compares only `actor_writes` after a step: any other field must be left as it was."""
    from chronicle.projections.plainfold import actor_writes

    developments = data.draw(st.permutations(_developments(batches, data)))
    for key in sorted({k for d in developments for k in touched(d) if k.startswith("actor:")}):
        view, facts = new_view_data(key), {}
        for position, development in enumerate(developments, 1):
            if key not in touched(development):
                continue
            stored = orjson.loads(orjson.dumps(development.model_dump(mode="json")))
            before = orjson.loads(orjson.dumps(view))
            apply_data(view, PlainStep(stored, Step(development, position).key), facts)
            changed = {name for name in view if view[name] != before[name]}
            assert changed <= set(actor_writes(stored["type"])), (stored["type"], changed)
