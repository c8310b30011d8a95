"""Ids and texts that look like SQL are data: recorded and read back unchanged, on both backends.

And the audit behind it: every SQL statement Chronicle writes binds its values; the only things ever
formatted into SQL text are identifiers (fixed table names, validated schema names, placeholders).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from helpers import ROOT

INJECTIONS = [
    "'; DROP TABLE stored_events; --",
    '" OR 1=1 --',
    "\\x00",
    "\u2019 OR \u20181\u2019=\u20181\u2019; --",
    "\uff07; DROP TABLE view_timeline; --",
    "1'); DELETE FROM chronicle_chain; --",
    "%s %% %(id)s ? ?? $1 {s} {events}",
    "\\'; SELECT pg_sleep(10); --",
    "`; DROP TABLE tracking; --",
    "/**/UNION/**/SELECT * FROM stored_events --",
    "E'\\x27' || chr(39) || '",
    "Robert'); DROP TABLE students;--\n\tand a second line",
]
# Ids obey the slug rule, yet read like SQL or name the store's own tables.
ACTOR_A = "x--drop-table-stored_events--"
ACTOR_B = "1-or-1--"
NEGOTIATION = "chronicle_chain"


def _source(n: int) -> dict[str, Any]:
    pick = INJECTIONS[n % len(INJECTIONS)]
    return {
        "publisher": pick,
        "url": INJECTIONS[(n + 1) % len(INJECTIONS)],
        "title": INJECTIONS[(n + 2) % len(INJECTIONS)],
        "authors": [INJECTIONS[(n + 3) % len(INJECTIONS)], INJECTIONS[(n + 4) % len(INJECTIONS)]],
        "published": "2024-01-0" + str(1 + n % 9),
    }


DEVELOPMENTS: list[dict[str, Any]] = [
    {
        "type": "actor_registered",
        "id": "stored_events",
        "occurred": "2024-01-01",
        "summary": INJECTIONS[0],
        "actor": ACTOR_A,
        "name": INJECTIONS[0],
        "kind": "armed_group",
        "aliases": INJECTIONS[1:4],
        "sources": [_source(0)],
    },
    {
        "type": "actor_registered",
        "id": "view_timeline",
        "occurred": "2024-01-01",
        "summary": INJECTIONS[4],
        "actor": ACTOR_B,
        "name": INJECTIONS[5],
        "kind": "person",
        "aliases": INJECTIONS[6:9],
        "part_of": ACTOR_A,
        "sources": [_source(4), _source(5)],
    },
    {
        "type": "negotiation_opened",
        "id": "select",
        "occurred": "2024-01-02",
        "summary": INJECTIONS[9],
        "negotiation": NEGOTIATION,
        "title": INJECTIONS[10],
        "subject": INJECTIONS[11],
        "parties": [ACTOR_A, ACTOR_B],
    },
    {
        "type": "statement",
        "id": "a.b--c",
        "occurred": "2024-01-03",
        "summary": INJECTIONS[1],
        "by": ACTOR_A,
        "text": " ".join(INJECTIONS),
        "about": [ACTOR_B, NEGOTIATION],
        "sources": [_source(7)],
    },
    {
        "type": "strike",
        "id": "0",
        "occurred": "2024-01-04",
        "summary": INJECTIONS[2],
        "by": ACTOR_B,
        "targets": [ACTOR_A],
        "location": INJECTIONS[3],
        "stated_reason": INJECTIONS[7],
        "deaths": 1,
        "sources": [_source(9)],
    },
    {
        "type": "position_taken",
        "id": "tracking",
        "occurred": "2024-01-05",
        "summary": INJECTIONS[8],
        "actor": ACTOR_B,
        "negotiation": NEGOTIATION,
        "position": "opposes",
        "text": INJECTIONS[6],
    },
]


def _jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []


def test_sql_looking_ids_and_texts_come_back_unchanged(cli):
    cli.ok("init")
    tables_before = _tables(cli.store)
    recorded = cli.ok("append", "--file", "-", input=_jsonl(DEVELOPMENTS))
    assert recorded.stdout.split() == [d["id"] for d in DEVELOPMENTS]
    typed = cli.ok(
        "append",
        "statement",
        "--id",
        "drop--",
        "--occurred",
        "2024-01-06",
        "--summary",
        INJECTIONS[0],
        "--by",
        ACTOR_B,
        "--text",
        INJECTIONS[1],
        "--about",
        ACTOR_A,
        "--source",
        INJECTIONS[5],
        "--author",
        INJECTIONS[6],
        "--title-of-source",
        INJECTIONS[7],
        "--url",
        INJECTIONS[2],
    )
    assert typed.stdout.split() == ["drop--"]
    given = {d["id"]: d for d in DEVELOPMENTS}
    given["drop--"] = {
        "type": "statement",
        "id": "drop--",
        "occurred": "2024-01-06",
        "summary": INJECTIONS[0],
        "by": ACTOR_B,
        "text": INJECTIONS[1],
        "about": [ACTOR_A],
        "sources": [
            {"publisher": INJECTIONS[5], "authors": [INJECTIONS[6]], "title": INJECTIONS[7], "url": INJECTIONS[2]}
        ],
    }

    # log --json: every field as given, sources included.
    logged = {e["id"]: e for e in cli.jsonl("log")}
    assert set(logged) == set(given)
    for dev_id, development in given.items():
        for key, value in development.items():
            if key == "sources":
                for shown, source in zip(logged[dev_id]["sources"], value, strict=True):
                    assert {k: shown[k] for k in source} == source
            else:
                assert logged[dev_id][key] == value, (dev_id, key)

    # log -S: each injection string finds exactly the developments that mention it.
    for needle in INJECTIONS:
        expected = {i for i, d in given.items() if any(needle.casefold() in t.casefold() for t in _texts(d))}
        found = {e["id"] for e in cli.jsonl("log", "-S", needle)}
        assert found == expected, needle

    # show --json, by id and by an SQL-looking name or alias; actors and negotiations --json.
    a = cli.json("show", "actor", ACTOR_A)
    assert (a["id"], a["name"], a["aliases"]) == (ACTOR_A, INJECTIONS[0], INJECTIONS[1:4])
    assert cli.json("show", "actor", INJECTIONS[0])["id"] == ACTOR_A
    assert cli.json("show", "actor", INJECTIONS[7])["id"] == ACTOR_B
    b = cli.json("show", "actor", ACTOR_B)
    assert (b["name"], b["aliases"], b["part_of"]) == (INJECTIONS[5], INJECTIONS[6:9], ACTOR_A)
    actors = {v["id"]: v for v in cli.json("actors")}
    assert set(actors) == {ACTOR_A, ACTOR_B}
    assert actors[ACTOR_B]["name"] == INJECTIONS[5]
    (negotiation,) = cli.json("negotiations")
    assert (negotiation["id"], negotiation["title"], negotiation["subject"]) == (
        NEGOTIATION,
        INJECTIONS[10],
        INJECTIONS[11],
    )
    assert negotiation["positions"][ACTOR_B]["text"] == INJECTIONS[6]
    assert negotiation["positions"][ACTOR_B]["position"] == "opposes"
    assert cli.json("show", "negotiation", INJECTIONS[10])["id"] == NEGOTIATION

    # Nothing was dropped or rewritten: the same tables, and the log and views verify.
    assert _tables(cli.store) == tables_before
    assert cli("verify").exit_code == 0


def _tables(store: Any) -> list[str]:
    if store.path is not None:
        return [r[0] for r in store.sql("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return [
        r[0]
        for r in store.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema=? ORDER BY 1", (store.schema,)
        )
    ]


# -- the audit ------------------------------------------------------------------------------------

SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WHERE|VALUES|JOIN|COPY)\b")
# Everything the project may format into SQL text, file by file, and why it is never a value.
# fixed table names and prefixes (projections/sql/views.py)
_VIEW_NAMES = {"LIVE", "ASIDE", "CHAIN", "META", "SOURCE_KEYS"}
# the fixed body columns (projections/sql/statements.py): `t.current` and the event's state, read by position
_CURRENT = {"CURRENT_T", "ORIGINAL_T", "LOGGED_T"}
IDENTIFIERS: dict[str, set[str]] = {
    "projections/sql/views.py": _VIEW_NAMES
    | {
        "p",
        "i",  # the indexes' prefix: LIVE or the tables' own
        "prefix",
        "table",
        "name",  # the fixed prefixes, TABLES and INDEXES
        "big",  # a column type, INTEGER or BIGINT
        "clustered",  # a fixed table option: " WITHOUT ROWID" or nothing
        "entity_pk",  # a fixed clause: the entity index's primary key, or nothing
        "self.json_each('t.entities')",  # a fixed column in the dialect's JSON-array function
        "self.tracking_table()",  # eventsourcing's tracking table, schema-qualified
        "names",  # a fixed column list (projector.TIMELINE_COLUMNS)
        "marks",  # placeholders only
    },
    # the fixed TABLES and INDEXES, and a fixed column list for COPY (projector.TIMELINE_COLUMNS)
    "projections/sql/postgres.py": _VIEW_NAMES | {"table", "name", "names", "prefix"},
    "projections/sql/statements.py": _CURRENT | {"ROW_COLUMNS"},  # fixed column lists
    # the log's fixed statement, its joins and conditions fixed fragments with `?` for every value
    "projections/sql/reads.py": {"statement", "' AND '.join(where or ['TRUE'])"},
    "integrity/chain.py": _VIEW_NAMES,
    # GRANT takes no bound parameters: the store's validated schema and a role `check_role` let through
    # (lower-case letters, digits and '_'), both double-quoted
    "service/grants.py": {"s", "r", "role"},  # and `role` in the message that suggests CREATE ROLE
    "integrity/checks.py": _VIEW_NAMES | {"marks"},  # placeholders only
    # CHAIN and META with the validated schema, eventsourcing's events table and its fixed id column
    # (`rowid` or `notification_id`), and a fixed page size
    "integrity/extending.py": {"self.chain", "self.meta", "self.events", "self.id", "PAGE"},
    "service/migrate.py": _VIEW_NAMES | {"table", "recorder.events_table_name"},  # eventsourcing's table
    # Schema names match ^[a-z_][a-z0-9_]{0,40}$ (service/settings.py) before they get here.
    # `self.table`: eventsourcing's events table, with that validated schema; the rest are fixed column
    # lists and fragments written in service/writing.py, with `?`/`%s` placeholders for every value.
    "service/writing.py": {"self.table", "columns", "match", "where", "order"},
    "service/opening.py": {"settings.schema", "table"},  # `table`: the validated schema and META
    "service/sources.py": _VIEW_NAMES,
}


def _formatted_sql(path: Path) -> list[tuple[int, str]]:
    """(line, expression) for every expression formatted into a string that reads as SQL."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_WORDS.search(text):
                found += [(node.lineno, ast.unparse(v.value)) for v in node.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            if isinstance(node.func.value, ast.Constant) and SQL_WORDS.search(str(node.func.value.value)):
                found.append((node.lineno, "<str.format>"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            found += [(node.lineno, "<% formatting>")] if SQL_WORDS.search(str(node.left.value)) else []
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = _added(node)
            if any(isinstance(p, ast.Constant) and SQL_WORDS.search(str(p.value)) for p in parts):
                found += [
                    (node.lineno, ast.unparse(p)) for p in parts if not isinstance(p, ast.Constant | ast.JoinedStr)
                ]
    return found


def _added(node: ast.expr) -> list[ast.expr]:
    """The terms of a chain of `+`, left to right."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_added(node.left), *_added(node.right)]
    return [node]


def test_sql_text_is_formatted_from_identifiers_only():
    sources = [
        p
        for p in ROOT.rglob("*.py")
        if p.relative_to(ROOT).parts[0] in ("cli", "domain", "service", "projections", "integrity", "exports")
    ]
    assert len(sources) > 20
    offenders = [
        f"{p.relative_to(ROOT)}:{line}: {expression}"
        for p in sources
        for line, expression in _formatted_sql(p)
        if expression not in IDENTIFIERS.get(p.relative_to(ROOT).as_posix(), set())
    ]
    assert not offenders, (
        "values must be bound parameters (?), never formatted into SQL; if this is a validated identifier, "
        "add it to IDENTIFIERS with the reason:\n" + "\n".join(offenders)
    )


def test_the_audit_catches_a_formatted_value(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def find(c, name):\n"
        "    c.execute(f\"SELECT state FROM view_entities WHERE entity='{name}'\")\n"
        "    c.execute(\"DELETE FROM t WHERE k='%s'\" % name)\n"
        "    c.execute(\"UPDATE t SET v='{}'\".format(name))\n"
        '    c.execute("SELECT 1 FROM t WHERE k=\'" + name + "\'")\n'
    )
    assert sorted(set(e for _, e in _formatted_sql(bad))) == ["<% formatting>", "<str.format>", "name"]
    assert sorted({line for line, e in _formatted_sql(bad) if e == "name"}) == [2, 5]
    assert "name" not in IDENTIFIERS.get("bad.py", set())  # `name` is allowed in sql/views.py only, for index names
