"""The benchmark suite runs end to end and writes its results as JSON. No timing is asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SEED, run_chronicle


def _bench(module: str, *args: str) -> str:
    """Run a benchmark module as a user would (not pointed at anyone's store); return what it printed."""
    env = {k: v for k, v in os.environ.items() if k != "CHRONICLE_STORE"}
    result = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return result.stdout.decode()


@pytest.mark.slow
def test_bench_quick_runs_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    printed = _bench("bench", "--quick", "--sizes", "300", "--out", str(out), "--workdir", str(tmp_path / "work"))
    assert "Targets" in printed

    data = json.loads(out.read_text())
    assert data["schema"] == 1
    assert {"meta", "startup", "sqlite", "postgres", "targets"} <= data.keys()
    assert data["meta"]["sizes"] == [300]
    assert {"python_pass_ms", "import_cli_ms"} <= data["startup"].keys()
    size = data["sqlite"]["300"]
    assert not size.get("errors"), size.get("errors")
    assert size["developments"] == 300
    assert size["stored_events"] >= 300
    for key in ("bulk_append", "bulk_baselines", "single_append", "replay", "replay_baselines", "show", "ratios"):
        assert key in size, key
    assert size["bulk_append"]["chronicle_cli_s"]["median"] > 0
    assert size["replay"]["events"] >= size["recorded_events"]
    assert len(size["replay_paired"]["pairs"]) == len(size["replay_paired"]["ratios"]) > 0
    for ratio in (
        "bulk_vs_es_save",
        "single_append_vs_es_process",
        "replay_vs_raw_decode",
        "replay_vs_raw_decode_paired",
    ):
        assert size["ratios"][ratio] > 0, ratio
    assert size["show"]["in_process_ms"]
    assert all({"name", "target", "met"} <= t.keys() for t in data["targets"])


@pytest.mark.slow
def test_bench_bounds_switches_parts_off_and_leaves_real_views(tmp_path: Path) -> None:
    out = tmp_path / "bounds.json"
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert run_chronicle("init", store_url=url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=url).returncode == 0
    before = json.loads(run_chronicle("show", "actor", "us", "--json", store_url=url).stdout)
    _bench("bench.bounds", "--store", url, "--repeat", "1", "--out", str(out))
    rates = json.loads(out.read_text())["events_per_s"]
    assert set(rates) == {"full", "no folds", "no folds or rows"}
    # The variants left empty views behind; the last rebuild is real.
    assert json.loads(run_chronicle("show", "actor", "us", "--json", store_url=url).stdout) == before


@pytest.mark.slow
def test_the_commands_bench_times_every_command_against_its_baseline(tmp_path: Path) -> None:
    out = tmp_path / "commands.json"
    printed = _bench(
        "bench.commands", "--size", "300", "--pairs", "1", "--workdir", str(tmp_path / "work"), "--out", str(out)
    )
    report = json.loads(out.read_text())
    names = [row["name"] for row in report["rows"]]
    assert len(names) == len(set(names)) >= 14
    for row in report["rows"]:
        assert row["name"] in printed
        assert row["seconds"] > 0 and row["peak_mb"] > 0
        assert row["verdict"] in ("met", "not met", "loaded")
        assert row["baseline_seconds"] is None or row["baseline_seconds"] > 0
