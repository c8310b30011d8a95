"""Hostile input to `append`: every input is recorded as given, or refused whole with one line and exit 2.

Random and mutated JSON lines (wrong types, huge strings, deep nesting, invalid UTF-8, NUL bytes, impossible
dates, numbers no JSON reader keeps, ids with slashes or SQL) go to `append --file -`, and hostile option
values to the typed subcommands. Whatever happens: no traceback; exit 0 and the store holds exactly what was
given, or exit 2, one line on stderr, nothing on stdout, and every table byte-identical.
"""

from __future__ import annotations

import io
import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Valid developments against the seed report (actors us, iraq-government, ...; negotiation coalition-exit).
TEMPLATES: list[dict[str, Any]] = [
    {
        "type": "statement",
        "occurred": "2024-01-06",
        "summary": "said",
        "by": "us",
        "text": "words",
        "about": ["iraq-government"],
    },
    {
        "type": "strike",
        "occurred": "2024-01-07",
        "summary": "struck",
        "by": "us",
        "targets": ["iran-aligned-groups"],
        "deaths": 2,
        "location": "Baghdad",
        "sources": [{"publisher": "Reuters", "authors": ["A. Writer"], "published": "2024-01-07"}],
    },
    {"type": "attack", "occurred": "2024-01", "summary": "attacked", "targets": ["us"], "count": 3, "injured": 4},
    {
        "type": "actor_registered",
        "occurred": "2024",
        "summary": "enters",
        "actor": "newcomer",
        "name": "Newcomer",
        "kind": "person",
        "aliases": ["The New One"],
    },
    {
        "type": "figure_reported",
        "occurred": "2024-01",
        "summary": "troops",
        "actor": "us",
        "metric": "troops",
        "value": 2500,
        "scope": "iraq",
        "as_of": "2024-01-05",
    },
    {
        "type": "talks_held",
        "occurred": "2024-02",
        "summary": "talked",
        "negotiation": "coalition-exit",
        "parties": ["us", "iraq-government"],
        "round": 1,
        "outcome": "more talks",
    },
    {
        "type": "agreement_reached",
        "occurred": "2024-03",
        "summary": "agreed",
        "negotiation": "coalition-exit",
        "terms": "leave",
        "deadlines": [{"milestone": "phase one", "due": "2024-09"}],
    },
    {
        "type": "correction",
        "occurred": "2024-01-08",
        "summary": "corrected",
        "target": "us-strike-baghdad",
        "changes": {"deaths": 3},
        "reason": "new count",
    },
]

SQL = [
    "'; DROP TABLE stored_events; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "\\x00",
    "Robert'); DROP TABLE view_timeline;--",
    "\u2019; DROP TABLE stored_events; \u201c",
    "%s %(x)s ? $1 {s}",
]
HUGE = [999, 1_000, 1_001, 20_000, 20_001, 120_000]
DATES = [
    "0000-00-00",
    "0000",
    "2024-00",
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "9999-12-31",
    "0001-01-01",
    " 2024 ",
    "2024\n",
    "\uff12\uff10\uff12\uff14",
    "2024-1-1",
    "20240101",
    "-2024",
    "2024-01-01T00:00",
    "",
]
IDS = [
    "a/b",
    "../../etc/passwd",
    "Upper",
    "-lead",
    "a" * 128,
    "a" * 129,
    "x'; drop table stored_events; --",
    "0",
    "a..b",
    "caf\u00e9",
    "a b",
    "drop.table.stored_events--",
]
BIG = [2**53 - 1, 2**53, -(2**53) + 1, -(2**53), 2**63, 2**64 - 1, 10**30, -1, 0]

# JSON fragments written as raw bytes: what a JSON encoder would never produce.
RAW = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e400",
    b"-0",
    b"00012",
    b"1" + b"0" * 40,
    b'"\xff\xfe"',
    b'"\\ud800"',
    b'"a\x00b"',
    b'"\\u0000"',
    b'"\x1b[31mred"',
    b"tru",
    b'{"$ref": "#"}',
    b"[" * 1100 + b"]" * 1100,
    b"[" * 300 + b"]" * 300,
    b"{" + b'"a":{' * 200 + b"}" * 201,
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(BIG),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
hostile = st.one_of(
    st.sampled_from(SQL),
    st.sampled_from(HUGE).map(lambda n: "x" * n),
    st.sampled_from(DATES),
    st.sampled_from(IDS),
    st.sampled_from(BIG),
    st.text(st.characters(codec="utf-8"), max_size=12),  # control characters, NUL, any script
    st.text(st.characters(categories=["Cs", "Cc"]), min_size=1, max_size=3),  # lone surrogates
    st.sampled_from(RAW),
    json_values,
)


def _encode(value: dict[str, Any], raws: dict[str, bytes], ascii_only: bool) -> bytes:
    text = json.dumps(value, ensure_ascii=ascii_only)
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes invalid UTF-8
    for marker, raw in raws.items():
        data = data.replace(json.dumps(marker).encode(), raw)
    return data


TEXT_FIELDS = ("summary", "text", "location", "name", "outcome", "terms", "reason", "metric", "stated_reason")
tricky_texts = st.one_of(
    st.sampled_from(SQL),
    st.sampled_from([999, 1_000, 20_000]).map(lambda n: "\u00e9" * n),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30),
)


@st.composite
def hostile_lines(draw: Any) -> bytes:
    """One JSON line: a valid development with hostile texts, or with fields replaced, dropped or added,
    or any JSON, or random bytes."""
    shape = draw(st.sampled_from(["texts", "texts", "texts", "rules", "mutated", "mutated", "any json", "bytes"]))
    if shape == "rules":  # well-formed, but the store's rules refuse it
        rule_breakers: list[dict[str, Any]] = [
            {**TEMPLATES[0], "by": "nobody-" + draw(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True))},
            {**TEMPLATES[4], "actor": "ghost"},
            {**TEMPLATES[5], "negotiation": "no-such-talks"},
            {**TEMPLATES[7], "target": "no-such-development"},
            {**TEMPLATES[7], "changes": {"by": "iran"}},
            {**TEMPLATES[7], "changes": {"colour": "red"}},
            {**TEMPLATES[3], "actor": "us"},
            {**TEMPLATES[0], "id": "us-strike-baghdad"},
        ]
        return _encode(draw(st.sampled_from(rule_breakers)), {}, True)
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    if shape == "any json":
        return _encode(draw(json_values), {}, draw(st.booleans()))
    value = dict(draw(st.sampled_from(TEMPLATES)))
    raws: dict[str, bytes] = {}
    if shape == "texts":  # most of these are valid: they must come back exactly as given
        for field in [f for f in TEXT_FIELDS if f in value]:
            value[field] = draw(tricky_texts)
        if draw(st.booleans()):
            value["sources"] = [
                {
                    "publisher": draw(tricky_texts),
                    "authors": draw(st.lists(tricky_texts, max_size=3)),
                    "title": draw(tricky_texts),
                }
            ]
        return _encode(value, raws, draw(st.booleans()))
    for n in range(draw(st.integers(1, 3))):
        fields = [*value, "id", "sources", "type", "unknown", "changes"]
        field = draw(st.sampled_from(fields))
        action = draw(st.sampled_from(["replace", "replace", "nest", "drop"]))
        new = draw(hostile)
        if action == "drop":
            value.pop(field, None)
        elif isinstance(new, bytes):
            raws[f"@raw{n}@"] = new
            value[field] = f"@raw{n}@"
        elif action == "nest" and field == "sources":
            value[field] = [{"publisher": new, "authors": [new] * draw(st.sampled_from([1, 2, 101]))}]
        elif action == "nest" and field == "changes":
            value[field] = {draw(st.sampled_from(["summary", "deaths", "location", "type", "id", "x"])): new}
        else:
            value[field] = new
    data = _encode(value, raws, draw(st.booleans()))
    if draw(st.integers(0, 4)) == 0:  # a byte-level mutation on top
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=0, max_size=3)) + data[at + draw(st.integers(0, 3)) :]
    return data


def _expect_refused(cli: Any, result: Any, before: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    # One line, or one per bad line of a file with several.
    assert lines and all(line.startswith("chronicle: error: ") for line in lines), result.stderr
    assert cli.store.digest() == before


def _logged(cli: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for entry in cli.jsonl("log", "--include-retracted"):
        # Who recorded it and when are the store's to say, not the input's.
        assert entry.pop("recorded_by")
        for key in ("log_position", "reported_at", "recorded", "corrected_by", "retracted_by"):
            entry.pop(key)
        found[entry["id"]] = entry
    return found


def _expect_recorded(cli: Any, result: Any, lines: list[bytes]) -> None:
    """Exit 0: every line is in the store, exactly as the interchange format reads it."""
    from chronicle.domain.developments import DEVELOPMENT_ADAPTER

    assert result.exit_code == 0, result.stderr
    assert "error" not in result.stderr
    logged = _logged(cli)
    printed = result.stdout.split()
    for line in lines:
        if not line.strip():
            continue
        given_value = orjson.loads(line)
        development = DEVELOPMENT_ADAPTER.validate_python(given_value)
        if development.id is None:  # readable, or with a digest if the store held other content under it
            given = [development.with_id(i) for i in development.generated_ids() if i in printed]
            development = next(d for d in given if logged.get(d.id or "") == d.model_dump(mode="json"))
        assert development.id in printed
        assert logged[development.id] == development.model_dump(mode="json")
        for key, text in given_value.items():  # texts come back unchanged, character for character
            shown = logged[development.id][key]
            if isinstance(text, str) and isinstance(shown, str) and key not in ("occurred", "as_of"):
                assert shown == text, key


@SETTINGS
@given(
    lines=st.lists(hostile_lines(), min_size=1, max_size=2),
    good_first=st.booleans(),
    crlf=st.booleans(),
    tag=st.uuids(),
)
def test_any_jsonl_input_is_recorded_as_given_or_refused_whole(story, lines, good_first, crlf, tag):
    # A good line new to the store: recording it, then refusing a later line, must leave no trace.
    good = json.dumps(
        {"type": "statement", "occurred": "2024-02-01", "summary": f"fine {tag}", "by": "us", "text": "t"}
    )
    chunks = [c.replace(b"\n", b" ").replace(b"\r", b" ") for c in ([good.encode(), *lines] if good_first else lines)]
    data = b"".join(c + (b"\r\n" if crlf else b"\n") for c in chunks)
    before = story.store.digest()
    result = story("append", "--file", "-", input=data)
    event(f"exit {result.exit_code}")
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        _expect_recorded(story, result, chunks)
    else:
        _expect_refused(story, result, before)


# -- the typed subcommands -------------------------------------------------------------------------

TYPED: list[tuple[str, dict[str, list[str]]]] = [
    (
        "strike",
        {
            "--occurred": ["2024-01-09"],
            "--summary": ["struck"],
            "--by": ["us"],
            "--targets": ["iran-aligned-groups"],
            "--deaths": ["2"],
            "--location": ["Baghdad"],
            "--source": ["Reuters"],
            "--author": ["A. Writer"],
        },
    ),
    ("statement", {"--occurred": ["2024-01-09"], "--summary": ["said"], "--by": ["us"], "--text": ["words"]}),
    (
        "figure_reported",
        {
            "--occurred": ["2024-01"],
            "--summary": ["troops"],
            "--actor": ["us"],
            "--metric": ["troops"],
            "--value": ["2500"],
        },
    ),
    (
        "talks_held",
        {"--occurred": ["2024-02"], "--summary": ["talked"], "--negotiation": ["coalition-exit"], "--round": ["2"]},
    ),
    (
        "agreement_reached",
        {
            "--occurred": ["2024-03"],
            "--summary": ["agreed"],
            "--negotiation": ["coalition-exit"],
            "--terms": ["leave"],
            "--deadline": ["phase one@2024-09"],
        },
    ),
    (
        "correction",
        {
            "--occurred": ["2024-01-10"],
            "--summary": ["corrected"],
            "--target": ["us-strike-baghdad"],
            "--reason": ["recount"],
            "--set": ["deaths=4"],
        },
    ),
    (
        "actor_registered",
        {
            "--occurred": ["2024"],
            "--summary": ["enters"],
            "--actor": ["typed-newcomer"],
            "--name": ["Typed Newcomer"],
            "--kind": ["person"],
        },
    ),
]
OPTION_VALUES = st.one_of(
    hostile.filter(lambda v: not isinstance(v, bytes | list | dict)).map(str),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-1",
            "1e400",
            "9007199254740992",
            str(10**30),
            "0x10",
            "deaths",
            "deaths=NaN",
            "location=" + "[" * 2000,
            "@",
            "m@0000-00-00",
            "--by",
            "-",
        ]
    ),
)


@st.composite
def typed_invocations(draw: Any) -> tuple[str, list[str], dict[str, str]]:
    kind, template = draw(st.sampled_from(TYPED))
    options = {flag: list(values) for flag, values in template.items()}
    for _ in range(draw(st.integers(0, 3))):
        flag = draw(st.sampled_from([*options, "--id", "--confidence", "--url", "--published", "--colour", "--source"]))
        action = draw(st.sampled_from(["replace", "replace", "drop", "repeat"]))
        if action == "drop":
            options.pop(flag, None)
        elif action == "repeat":
            options[flag] = [draw(OPTION_VALUES)] * draw(st.sampled_from([2, 101, 1001]))
        else:
            options[flag] = [draw(OPTION_VALUES)]
    pairs = [(flag, value) for flag, values in options.items() for value in values]
    args = [arg for pair in pairs for arg in pair]
    if draw(st.integers(0, 5)) == 0:
        args = args[: draw(st.integers(0, len(args)))]  # cut short: an option without its value
    given = [(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]
    given_texts = {flag: value for flag, value in given if [f for f, _ in given].count(flag) == 1}
    return kind, args, given_texts


TEXT_FLAGS = {
    "--summary": "summary",
    "--text": "text",
    "--location": "location",
    "--name": "name",
    "--terms": "terms",
    "--reason": "reason",
    "--metric": "metric",
    "--by": "by",
    "--id": "id",
}


@SETTINGS
@given(invocation=typed_invocations())
def test_any_typed_append_is_recorded_as_given_or_refused_whole(story, invocation):
    kind, args, given_texts = invocation
    before = story.store.digest()
    result = story("append", kind, *args)
    event(f"exit {result.exit_code}")
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        if not args:  # no options at all: the subcommand's help, as for any command
            return
        _expect_refused(story, result, before)
        return
    assert "error" not in result.stderr
    (dev_id,) = result.stdout.split()
    entry = _logged(story)[dev_id]
    assert entry["type"] == kind
    for flag, field in TEXT_FLAGS.items():
        if flag in given_texts and field in entry:
            assert entry[field] == given_texts[flag], field


# -- limits, each at its edge ---------------------------------------------------------------------


def _line(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode() + b"\n"


GOOD = {"type": "statement", "occurred": "2024-02-01", "summary": "fine", "by": "us", "text": "t"}


def test_a_ten_megabyte_line_is_refused_without_reading_it_all(story):
    from chronicle.service.interchange import MAX_LINE_BYTES

    before = story.store.digest()
    huge = _line({**GOOD, "text": "x" * 10_000_000})
    for data in (huge, _line(GOOD) + huge, _line(GOOD) + b"x" * 10_000_000):
        result = story("append", "--file", "-", input=data)
        _expect_refused(story, result, before)
        assert f"longer than {MAX_LINE_BYTES} bytes" in result.stderr
        assert result.stderr.startswith("chronicle: error: line ")


def test_a_line_of_exactly_the_limit_is_read_and_one_byte_more_is_not(story, tmp_path):
    from chronicle.service.interchange import MAX_LINE_BYTES

    body = orjson.dumps({**GOOD, "summary": "at the limit"})
    exact = body + b" " * (MAX_LINE_BYTES - len(body))  # JSON allows trailing blanks
    assert len(exact) == MAX_LINE_BYTES
    before = story.store.digest()
    over = tmp_path / "over.jsonl"
    for end in (b"\n", b"\r\n", b""):
        over.write_bytes(exact + b" " + end)
        result = story("append", "--file", str(over))
        _expect_refused(story, result, before)
        assert result.stderr.strip() == f"chronicle: error: line 1: longer than {MAX_LINE_BYTES} bytes"
    at_limit = tmp_path / "exact.jsonl"
    at_limit.write_bytes(exact + b"\r\n")
    assert story("append", "--file", str(at_limit)).exit_code == 0
    assert any(e["summary"] == "at the limit" for e in story.jsonl("log"))


class _Endless(io.RawIOBase):
    """`/dev/zero` without a newline; fails the test if the reader takes more than it should."""

    def __init__(self, allowed: int) -> None:
        self.left = allowed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        assert self.left > 0, "read far past the line limit"
        n = min(len(buffer), self.left)
        buffer[:n] = b"x" * n
        self.left -= n
        return n


def test_an_endless_line_is_refused_after_the_line_limit():
    from chronicle.domain.errors import InvalidInput
    from chronicle.service.interchange import MAX_LINE_BYTES, read_jsonl

    with pytest.raises(InvalidInput, match=f"line 1: longer than {MAX_LINE_BYTES} bytes"):
        read_jsonl(io.BufferedReader(_Endless(3 * MAX_LINE_BYTES)))


@pytest.mark.parametrize("how", ["stdin", "file"])
def test_input_larger_than_the_file_limit_is_refused_whole(story, monkeypatch, tmp_path, how):
    from chronicle.service import interchange

    line = _line(GOOD)
    monkeypatch.setattr(interchange, "MAX_FILE_BYTES", 10 * len(line))
    before = story.store.digest()
    data = line * 11  # the same line: once over the limit, nothing of it may be recorded
    path = tmp_path / "big.jsonl"
    path.write_bytes(data)
    args = ("--file", "-") if how == "stdin" else ("--file", str(path))
    result = story("append", *args, input=data if how == "stdin" else None)
    _expect_refused(story, result, before)
    assert (
        result.stderr.strip()
        == f"chronicle: error: input larger than {10 * len(line)} bytes: split it into several files"
    )
    path.write_bytes(line * 10)
    assert story("append", "--file", str(path)).exit_code == 0


def test_the_file_limit_leaves_room_for_a_million_developments():
    from chronicle.service.interchange import MAX_FILE_BYTES, MAX_LINE_BYTES

    assert MAX_FILE_BYTES >= 1_000_000 * 500  # the opt-in benchmark: 1M synthetic developments, ~420 bytes each
    assert MAX_FILE_BYTES > MAX_LINE_BYTES


def test_every_field_limit_is_enforced_at_its_edge_with_a_clear_error(story):
    from chronicle.domain.fields import MAX_COUNT, MAX_ITEMS, MAX_SHORT, MAX_SOURCES, MAX_TEXT

    cases = [
        (
            {"summary": "s" * MAX_SHORT},
            {"summary": "s" * (MAX_SHORT + 1)},
            f"summary: is {MAX_SHORT + 1} characters long: at most {MAX_SHORT}",
        ),
        (
            {"text": "t" * MAX_TEXT},
            {"text": "t" * (MAX_TEXT + 1)},
            f"text: is {MAX_TEXT + 1} characters long: at most {MAX_TEXT}",
        ),
        (
            {"sources": [{"publisher": f"p{i}"} for i in range(MAX_SOURCES)]},
            {"sources": [{"publisher": f"p{i}"} for i in range(MAX_SOURCES + 1)]},
            f"sources: has {MAX_SOURCES + 1} items: at most {MAX_SOURCES}",
        ),
        (
            {"sources": [{"publisher": "p", "authors": ["a"] * MAX_SOURCES}]},
            {"sources": [{"publisher": "p", "authors": ["a"] * (MAX_SOURCES + 1)}]},
            f"sources[0].authors: has {MAX_SOURCES + 1} items: at most {MAX_SOURCES}",
        ),
        (
            {"about": ["us"]},
            {"about": ["us"] * (MAX_ITEMS + 1)},
            f"about: has {MAX_ITEMS + 1} items: at most {MAX_ITEMS}",
        ),
        (
            {"summary": "a\tb\n\u2028c"},
            {"summary": "a\u0000b"},
            "summary: contains a NUL character (U+0000)",
        ),
        (
            {"occurred": "0001-01-01"},
            {"occurred": "0000-00-00"},
            "occurred: '0000-00-00' is not a date: year out of range",
        ),
        (
            {"occurred": "2024"},
            {"occurred": "\uff12\uff10\uff12\uff14"},
            "occurred: '\uff12\uff10\uff12\uff14' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY",
        ),
    ]
    strike = {"type": "strike", "occurred": "2024-01-09", "by": "us"}
    cases += [
        (
            {**strike, "deaths": MAX_COUNT},
            {**strike, "deaths": MAX_COUNT + 1},
            f"deaths: {MAX_COUNT + 1} is too large: at most {MAX_COUNT}",
        ),
        ({**strike, "injured": 0}, {**strike, "injured": 2**64}, "injured: "),
    ]
    for n, (ok, bad, message) in enumerate(cases):
        base = {"summary": f"edge {n}"} | ({} if "type" in ok else GOOD | {"summary": f"edge {n}"})
        before = story.store.digest()
        result = story("append", "--file", "-", input=_line({**base, **bad}))
        _expect_refused(story, result, before)
        assert result.stderr.startswith(f"chronicle: error: line 1: {message}"), result.stderr
        recorded = story("append", "--file", "-", input=_line({**base, **ok}))
        assert recorded.exit_code == 0, recorded.stderr


def test_a_figure_is_a_finite_number_whichever_way_it_comes(story):
    figure = ["figure_reported", "--occurred", "2024-01", "--summary", "troops", "--actor", "us", "--metric", "troops"]
    before = story.store.digest()
    for value in ("nan", "inf", "-inf", "1e400"):
        _expect_refused(story, story("append", *figure, "--value", value), before)
    for value in ('"NaN"', '"Infinity"'):
        data = (
            b'{"type": "figure_reported", "occurred": "2024", "summary": "s", "actor": "us", "metric": "m", "value": '
            + value.encode()
            + b"}\n"
        )
        _expect_refused(story, story("append", "--file", "-", input=data), before)
    correction = [
        "correction",
        "--occurred",
        "2024-01-10",
        "--summary",
        "c",
        "--target",
        "us-troops-iraq",
        "--reason",
        "r",
    ]
    _expect_refused(story, story("append", *correction, "--set", "value=NaN"), before)
    assert story("append", *figure, "--value", "2500.5").exit_code == 0
    assert any(e.get("value") == 2500.5 for e in story.jsonl("log", "--type", "figure_reported"))


def test_a_count_no_json_reader_keeps_exactly_is_refused_from_the_command_line(story):
    from chronicle.domain.fields import MAX_COUNT

    before = story.store.digest()
    strike = ["append", "strike", "--occurred", "2024", "--summary", "s", "--by", "us"]
    for flag in ("--deaths", "--injured"):
        for value in (MAX_COUNT + 1, 2**64, 10**30):
            result = story(*strike, flag, str(value))
            _expect_refused(story, result, before)
            assert f"{flag[2:]}: {value} is too large: at most {MAX_COUNT}" in result.stderr
    talks = ["append", "talks_held", "--occurred", "2024-02", "--summary", "t", "--negotiation", "coalition-exit"]
    _expect_refused(story, story(*talks, "--round", str(10**30)), before)
    assert story(*strike, "--deaths", str(MAX_COUNT)).exit_code == 0


def test_a_mistyped_option_is_one_line_not_a_usage_screen(story):
    before = story.store.digest()
    strike = ["append", "strike", "--occurred", "2024", "--summary", "s", "--by", "us"]
    for extra, message in (
        (["--deaths", "many"], "Invalid value for '--deaths'"),
        (["--colour", "red"], "No such option: --colour"),
        (["--location"], "Option '--location' requires an argument"),
        (["surplus"], "Got unexpected extra argument"),
    ):
        result = story(*strike, *extra)
        _expect_refused(story, result, before)
        assert message in result.stderr, result.stderr
    result = story("append", "invasion", "--by", "us")
    _expect_refused(story, result, before)
    assert "no development type 'invasion'" in result.stderr


def test_an_error_naming_hostile_text_stays_one_printable_line(story):
    before = story.store.digest()
    correction = {
        "type": "correction",
        "occurred": "2024",
        "summary": "c",
        "target": "us-strike-baghdad",
        "reason": "r",
    }
    for key in ("a\nb", "\x1b[2J\x1b[31mred", "x" * 5000, "line\u2028separator"):
        result = story("append", "--file", "-", input=_line({**correction, "changes": {key: 1}}))
        _expect_refused(story, result, before)
        assert "\x1b" not in result.stderr
        assert len(result.stderr) < 1100
