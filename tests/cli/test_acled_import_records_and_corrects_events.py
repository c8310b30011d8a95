"""`chronicle import acled`: rows become developments; re-imports correct rather than duplicate."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import DATA, Cli

from chronicle.domain.errors import InvalidInput
from chronicle.service import acled

SAMPLE = DATA / "acled_sample.csv"


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def _write(tmp_path: Path, rows: list[dict[str, str]], name: str = "acled.csv") -> Path:
    fields, _ = _rows()
    target = tmp_path / name
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return target


def _edited(tmp_path: Path, edits: dict[str, dict[str, str]], name: str = "acled.csv") -> Path:
    _, rows = _rows()
    for row in rows:
        row.update(edits.get(row["event_id_cnty"], {}))
    return _write(tmp_path, rows, name)


@pytest.fixture
def imported(cli: Cli) -> Cli:
    cli.ok("init")
    cli.ok("import", "acled", str(SAMPLE))
    return cli


def test_each_row_becomes_one_development_typed_by_event_type_and_actor(imported: Cli) -> None:
    log = {e["id"]: e for e in imported.jsonl("log", "--include-retracted")}
    events = {i: e for i, e in log.items() if i.startswith("irq")}
    assert len(events) == 12
    types = {i: e["type"] for i, e in events.items()}
    assert types["irq30004"] == types["irq30005"] == "strike"  # state forces (inter 1) strike
    assert types["irq30001"] == "attack"  # external forces (inter 8): an attack, not a strike
    assert types["irq30006"] == types["irq30008"] == "attack"  # violence against civilians; riots
    assert types["irq30002"] == types["irq30007"] == types["irq30011"] == "statement"
    assert events["irq30009"]["occurred"] == "2024-01" and events["irq30012"]["occurred"] == "2024"
    strike = events["irq30005"]
    assert strike["by"] == "military-forces-of-iraq-2022"
    assert strike["targets"] == ["islamic-state-iraq"]
    assert strike["deaths"] == 5
    assert strike["location"] == "Mutaibija, Salah al-Din, Iraq"
    assert strike["summary"].startswith("On 7 January 2024, Iraqi F-16s struck IS hideouts")
    assert [s["publisher"] for s in strike["sources"]] == ["Iraqi News Agency", "Kurdistan 24", "ACLED"]
    assert events["irq30010"]["targets"] == [
        "military-forces-of-the-united-states-2021",
        "military-forces-of-iraq-2022",
    ]
    assert '"The reasons for the coalition\'s presence have ended."' in events["irq30007"]["text"]
    assert events["irq30011"]["about"] == ["police-forces-of-iraq-2022"]


def test_actors_are_registered_once_with_kinds_from_inter_codes(imported: Cli) -> None:
    actors = {a["id"]: a for a in imported.json("actors")}  # type: ignore[union-attr]
    kinds = {i: a["kind"] for i, a in actors.items()}
    assert kinds["military-forces-of-iraq-2022"] == "military"
    assert kinds["government-of-iraq-2022"] == "government"
    assert kinds["islamic-state-iraq"] == kinds["harakat-al-nujaba"] == kinds["asa-ib-ahl-al-haq"] == "armed_group"
    assert kinds["protesters-iraq"] == kinds["civilians-iraq"] == kinds["rioters-iraq"] == "organization"
    assert kinds["military-forces-of-the-united-states-2021"] == "military"  # inter 8: external forces
    assert actors["asa-ib-ahl-al-haq"]["name"] == "Asa'ib Ahl al-Haq"
    assert len(actors) == 15
    # Registered as of the earliest event naming them, so `--as-of` finds them there.
    assert actors["islamic-state-iraq"]["registered_in"] == "acled-actor-islamic-state-iraq"
    shown = imported.json("show", "actor", "Islamic State (Iraq)", "--as-of", "2024-01-06")
    assert shown["strikes_suffered"] == 1  # type: ignore[index]


def test_reimporting_the_same_export_changes_nothing(imported: Cli) -> None:
    before = imported.store.digest()
    result = imported.ok("import", "acled", str(SAMPLE))
    assert result.stdout == ""
    assert "0 new events, 0 corrections, 0 actors registered, 12 unchanged" in result.stderr
    assert imported.store.digest() == before


def test_a_changed_row_is_recorded_as_a_correction_not_a_duplicate(imported: Cli, tmp_path: Path) -> None:
    updated = _edited(
        tmp_path,
        {
            "IRQ30001": {"fatalities": "3", "timestamp": "1705968000"},
            "IRQ30010": {"notes": "On 20 January 2024, missiles hit Ain al-Asad airbase; four wounded."},
        },
    )
    result = imported.ok("import", "acled", str(updated))
    assert result.stdout.split() == ["irq30001-acled-rev1", "irq30010-acled-rev1"]
    assert "0 new events, 2 corrections" in result.stderr
    log = {e["id"]: e for e in imported.jsonl("log", "--include-retracted")}
    assert [i for i in log if i.startswith("irq30001")] == ["irq30001", "irq30001-acled-rev1"]
    assert log["irq30001"]["deaths"] == 3
    assert log["irq30001"]["corrected_by"] == ["irq30001-acled-rev1"]
    correction = log["irq30001-acled-rev1"]
    assert correction["changes"] == {"deaths": 3}
    assert correction["occurred"] == "2024-01-23"  # ACLED's timestamp of the update
    assert "deaths 2 -> 3" in correction["reason"]
    assert log["irq30010"]["summary"].startswith("On 20 January 2024, missiles hit")
    # The same updated export again: already in line, nothing to do.
    before = imported.store.digest()
    again = imported.ok("import", "acled", str(updated))
    assert again.stdout == "" and "12 unchanged" in again.stderr
    assert imported.store.digest() == before
    # A second change to the same event is a second correction.
    later = _edited(tmp_path, {"IRQ30001": {"fatalities": "4"}}, name="later.csv")
    assert imported.ok("import", "acled", str(later)).stdout.split() == [
        "irq30001-acled-rev2",
        "irq30010-acled-rev2",  # this file has the original notes back: corrected again
    ]
    assert {e["id"]: e for e in imported.jsonl("log")}["irq30001"]["deaths"] == 4


def test_a_reclassified_event_retracts_the_old_development_and_records_the_new_type(
    imported: Cli, tmp_path: Path
) -> None:
    updated = _edited(tmp_path, {"IRQ30004": {"event_type": "Violence against civilians"}})
    result = imported.ok("import", "acled", str(updated))
    assert result.stdout.split() == ["irq30004-acled-reclassified", "irq30004-attack"]
    log = {e["id"]: e for e in imported.jsonl("log", "--include-retracted")}
    assert log["irq30004"]["retracted_by"] == "irq30004-acled-reclassified"
    assert log["irq30004-attack"]["type"] == "attack"
    assert imported.ok("import", "acled", str(updated)).stdout == ""


def test_dry_run_lists_what_would_be_recorded_and_writes_nothing(cli: Cli) -> None:
    cli.ok("init")
    before = cli.store.digest()
    result = cli.ok("import", "acled", str(SAMPLE), "--dry-run")
    lines = result.stdout.splitlines()
    assert sum(1 for line in lines if line.startswith("would record ")) == 12
    assert sum(1 for line in lines if line.startswith("would register ")) == 15
    assert any(line.startswith("would record   strike           irq30005  2024-01-07") for line in lines)
    assert "nothing written" in result.stderr
    assert cli.store.digest() == before


def test_a_bad_row_refuses_the_whole_file_naming_its_line(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    before = cli.store.digest()
    # IRQ30007's notes span two physical lines, so IRQ30008 starts on line 10 of the file.
    bad = _edited(tmp_path, {"IRQ30008": {"time_precision": "4"}})
    result = cli("import", "acled", str(bad))
    assert result.exit_code == 2
    assert result.stderr == "chronicle: error: line 10: time_precision '4' is not 1, 2 or 3\n"
    assert cli.store.digest() == before


@pytest.mark.parametrize(
    "edit, message",
    [
        ({"fatalities": "many"}, "line 6: fatalities 'many' is not a whole number >= 0"),
        ({"event_date": "yesterday"}, "line 6: event_date 'yesterday' is not a date"),
        ({"event_type": "Parades"}, "line 6: event_type 'Parades' is not an ACLED event type"),
        ({"inter1": "9"}, "line 6: inter1 '9' is not an ACLED inter code"),
        ({"actor1": ""}, "line 6: actor1 is empty"),
        ({"event_id_cnty": "IRQ 30005"}, "line 6: event_id_cnty 'IRQ 30005' cannot be an id"),
        ({"event_id_cnty": "IRQ30001"}, "line 6: event IRQ30001 appears twice (first on line 2)"),
    ],
)
def test_bad_rows_are_named_precisely(edit: dict[str, str], message: str) -> None:
    _, rows = _rows()
    rows[4].update(edit)  # IRQ30005, line 6
    numbered = [(n, {k: v for k, v in r.items()}) for n, r in zip([2, 3, 4, 5, 6], rows[:5], strict=True)]
    with pytest.raises(InvalidInput) as caught:
        acled.scan(numbered)
    assert str(caught.value).startswith(message)


def test_skip_bad_records_the_good_rows_and_lists_the_bad_ones(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    bad = _edited(tmp_path, {"IRQ30002": {"fatalities": "-1"}, "IRQ30011": {"inter1": "0"}})
    result = cli.ok("import", "acled", str(bad), "--skip-bad")
    skipped = [line for line in result.stderr.splitlines() if "skipped line" in line]
    assert skipped == [
        "chronicle: skipped line 3: fatalities '-1' is not a whole number >= 0",
        "chronicle: skipped line 13: inter1 '0' is not an ACLED inter code (1-8 or its name)",
    ]
    ids = {e["id"] for e in cli.jsonl("log")}
    assert "irq30002" not in ids and "irq30011" not in ids and "irq30001" in ids
    assert "10 new events" in result.stderr and "2 skipped" in result.stderr


def test_a_file_that_is_not_an_acled_export_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    before = cli.store.digest()
    other = tmp_path / "other.csv"
    other.write_text("date,what\n2024-01-01,something\n", encoding="utf-8")
    result = cli("import", "acled", str(other))
    assert result.exit_code == 2
    assert result.stderr.startswith("chronicle: error: line 1: not an ACLED export: missing column(s) event_id_cnty")
    missing = cli("import", "acled", str(tmp_path / "absent.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    assert cli.store.digest() == before


def test_stdin_is_read_with_dash(cli: Cli) -> None:
    cli.ok("init")
    result = cli.ok("import", "acled", "-", input=SAMPLE.read_bytes())
    assert "12 new events" in result.stderr


def test_actor_ids_are_stable_slugs_of_names() -> None:
    assert acled.slugify("Military Forces of Iraq (2022-)") == "military-forces-of-iraq-2022"
    assert acled.slugify("Asa'ib Ahl al-Haq") == "asa-ib-ahl-al-haq"
    assert acled.slugify("Peshmerga \u2013 Kurdistan R\u00e9gional") == "peshmerga-kurdistan-regional"
    arabic = acled.slugify("عصائب أهل الحق")
    assert arabic.startswith("actor-") and arabic == acled.slugify("عصائب أهل الحق")
    assert len(acled.slugify("x" * 300)) == 100


def test_a_first_pass_holds_one_row_per_actor_not_the_file() -> None:
    reader = acled.read_csv(io.StringIO(SAMPLE.read_text(encoding="utf-8")))
    found = acled.scan(reader)
    assert (found.rows, found.skipped, found.bad) == (12, [], set())
    assert len(found.first) == 15  # one row kept per actor: the earliest naming it
    earliest = found.first["military-forces-of-iraq-2022"].development.when.start
    named = [r for r in acled.good_rows(acled.read_csv(io.StringIO(SAMPLE.read_text(encoding="utf-8"))), set())]
    assert earliest == min(
        r.development.when.start for r in named if "military-forces-of-iraq-2022" in {a.id for a in r.actors}
    )


def _long_export(tmp_path: Path, count: int, name: str = "long.csv") -> Path:
    """`count` rows cycling the sample's, each its own event; the last names a newcomer, dated earliest."""
    _, sample = _rows()
    rows = []
    for n in range(count):
        row = dict(sample[n % len(sample)])
        row["event_id_cnty"] = f"IRQ{900000 + n}"
        rows.append(row)
    rows[-1].update({"actor2": "Newcomer Brigade", "inter2": "3", "event_date": "2023-12-01", "time_precision": "1"})
    rows[1].update({"actor2": "Newcomer Brigade", "inter2": "3"})
    return _write(tmp_path, rows, name)


def test_a_long_export_is_imported_in_pages_with_registrations_dated_by_the_earliest_row(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("init")
    export = _long_export(tmp_path, 2_500)
    dry = cli.ok("import", "acled", str(export), "--dry-run")
    assert sum(1 for line in dry.stdout.splitlines() if line.startswith("would record ")) == 2_500
    assert sum(1 for line in dry.stdout.splitlines() if "acled-actor-newcomer-brigade" in line) == 1
    assert cli.jsonl("log") == []  # the dry run wrote nothing
    result = cli.ok("import", "acled", str(export))
    assert "2500 new events" in result.stderr
    registration = next(e for e in cli.jsonl("log") if e["id"] == "acled-actor-newcomer-brigade")
    assert registration["occurred"] == "2023-12-01"  # its earliest row is the file's last


def test_importing_ten_times_the_rows_takes_no_more_memory(store, tmp_path: Path) -> None:
    from helpers import peak_mib, run_chronicle

    small, large = store, store.sibling()
    peaks = []
    for ref, count in ((small, 1_500), (large, 15_000)):
        assert run_chronicle("init", store_url=ref.url).returncode == 0
        peaks.append(peak_mib(ref.url, "import", "acled", str(_long_export(tmp_path, count, f"{count}.csv"))))
    # Held whole, 13,500 more rows cost about 100 MiB; in pages, a few.
    assert peaks[1] - peaks[0] < 25, peaks


def test_each_row_keeps_its_place_on_the_map(imported: Cli) -> None:
    log = {e["id"]: e for e in imported.jsonl("log")}
    assert log["irq30005"]["place"] == {
        "name": "Mutaibija",
        "country": "IQ",  # from the numeric iso code 368
        "admin1": "Salah al-Din",
        "lat": 34.4667,
        "lon": 44.0167,
        "precision": 2,
    }
    assert log["irq30005"]["location"] == "Mutaibija, Salah al-Din, Iraq"
    assert all(e["place"]["country"] == "IQ" for e in log.values() if e["id"].startswith("irq"))
    near = [e["id"] for e in imported.jsonl("log", "--near", "33.33,44.43", "--km", "2")]
    assert near == ["irq30001", "irq30002"]


def test_a_row_without_coordinates_keeps_the_rest_of_its_place(cli: Cli, tmp_path: Path) -> None:
    _, rows = _rows()
    row = {**rows[0], "latitude": "", "longitude": "", "geo_precision": "", "iso": "", "country": "Iraq"}
    cli.ok("init")
    cli.ok("import", "acled", str(_write(tmp_path, [row])))
    (event,) = [e for e in cli.jsonl("log") if e["id"] == "irq30001"]
    assert event["place"] == {
        "name": "Baghdad - Palestine Street",
        "country": "IQ",  # from the country's name
        "admin1": "Baghdad",
        **dict.fromkeys(("lat", "lon", "precision")),
    }


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("latitude", "north", "line 2: latitude 'north' is not a number"),
        ("latitude", "95.5", "line 2: place.lat: 95.5 is too large: at most 90.0"),
        ("longitude", "-181", "line 2: place.lon: -181.0 is too small: at least -180.0"),
        ("geo_precision", "7", "line 2: geo_precision '7' is not 1, 2 or 3"),
    ],
)
def test_a_bad_place_names_the_line_and_the_column(
    cli: Cli, tmp_path: Path, column: str, value: str, message: str
) -> None:
    _, rows = _rows()
    cli.ok("init")
    before = cli.store.digest()
    result = cli("import", "acled", str(_write(tmp_path, [{**rows[0], column: value}])))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"chronicle: error: {message}"]
    assert cli.store.digest() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "expected an object of ACLED actor names to actor ids"),
        ("{oops", "not a JSON object"),
        ('{"Protesters (Iraq)": "Protesters Here"}', "'Protesters (Iraq)': 'Protesters Here' is not an id"),
    ],
)
def test_a_bad_actor_map_is_refused_in_one_line(cli: Cli, tmp_path: Path, content: str, message: str) -> None:
    names = tmp_path / "names.json"
    names.write_text(content, encoding="utf-8")
    cli.ok("init")
    before = cli.store.digest()
    result = cli("import", "acled", str(SAMPLE), "--actor-map", str(names))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"chronicle: error: --actor-map {names}: {message}"), line
    assert cli.store.digest() == before
