"""`append --file` and `import acled` project what they recorded: the next read writes nothing."""

from __future__ import annotations

from helpers import DATA, SEED, run_chronicle


def _first_read_writes_nothing(store) -> None:  # type: ignore[no-untyped-def]
    before = store.digest()
    shown = run_chronicle("show", "actor", "us", store_url=store.url)
    assert shown.returncode == 0, shown.stderr.decode()
    assert store.digest() == before  # nothing left for the reader to project


def test_the_first_read_after_append_file_finds_the_views_ready(store):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    appended = run_chronicle("append", "--file", str(SEED), store_url=store.url)
    assert appended.returncode == 0, appended.stderr.decode()
    assert appended.stdout  # the ids recorded, still on stdout
    _first_read_writes_nothing(store)


def test_the_first_read_after_an_acled_import_finds_the_views_ready(store):
    assert run_chronicle("init", store_url=store.url).returncode == 0
    assert run_chronicle("append", "--file", str(SEED), store_url=store.url).returncode == 0
    imported = run_chronicle("import", "acled", str(DATA / "acled_sample.csv"), store_url=store.url)
    assert imported.returncode == 0, imported.stderr.decode()
    _first_read_writes_nothing(store)
