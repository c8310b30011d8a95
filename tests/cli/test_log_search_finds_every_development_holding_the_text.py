"""`log -S TEXT` reads only the rows whose stored JSON can hold the text; it must still find every one."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Any text a development may hold: quotes, backslashes, control characters, letters whose case folds to
# several (ß -> ss), and so on; not NUL and not lone surrogates, which the format refuses.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(said=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=3), data=st.data())
def test_log_search_finds_exactly_the_developments_whose_text_holds_it(story, said, data):
    from chronicle.projections import queries
    from chronicle.projections.queries import LogFilter
    from chronicle.service.interchange import parse_development
    from chronicle.service.settings import parse_store_url
    from chronicle.service.store import Store

    # Drawn before the store is opened: PostgreSQL's connection pool uses `random` on a thread of its own,
    # which hypothesis would take for the strategy's doing.
    words = [w for pair in said for w in pair]
    word = data.draw(st.sampled_from(words))
    start = data.draw(st.integers(0, len(word) - 1))
    needle = data.draw(st.one_of(st.just(word[start:]), st.just(word[start:].upper()), TEXT))

    with Store.open(parse_store_url(story.store.url)) as store:
        store.append(
            [
                parse_development(
                    {"type": "statement", "occurred": "2024-01-06", "by": "us", "summary": summary, "text": text}
                )
                for summary, text in said
            ]
        )

        def search(v: Any, c: Any) -> list[str]:
            return [e.development.id for e in queries.log(v, c, LogFilter(text=needle))]

        def every_one_holding_it(v: Any, c: Any) -> list[str]:
            everything = queries.log(v, c, LogFilter())
            return [e.development.id for e in everything if queries._matches_text(e.development, needle)]

        assert store.query(search) == store.query(every_one_holding_it)


def test_log_search_folds_case_as_python_does_beyond_ascii(story):
    # Each summary holds its needle only once both are case-folded, some into more letters than they had.
    pairs = {"Die Straße nach Bagdad": "STRASSE", "ΟΔΥΣΣΕΥΣ": "οδυσσευς", "Mission ﬁnie": "FINIE"}
    for summary in pairs:
        story.ok("append", "statement", "--occurred", "2024-01-06", "--by", "us", "--text", "t", "--summary", summary)
    for summary, needle in pairs.items():
        found = [e["summary"] for e in story.jsonl("log", "-S", needle)]
        assert found == [summary], needle
