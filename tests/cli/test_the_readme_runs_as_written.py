"""Every command block of the README's guide runs as written, in order, on a fresh store, and says what the
README says it says: a reader who types it in gets the story it describes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

README = ROOT / "README.md"
# Set-up (the two commands: CI runs them itself) and the benchmark (minutes; the bench has its own smoke
# test) are the only blocks not run here.
NOT_RUN = ("scripts/demo", "python -m bench")
ACTIVATE = "source .venv/bin/activate"


def _blocks(text: str) -> list[str]:
    return [b for b in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M) if not any(n in b for n in NOT_RUN)]


def _run_in_order(blocks: list[str], cwd: Path) -> list[str]:
    """Runs the blocks in one shell, as a reader would in one terminal; returns each block's output."""
    marker = "::end of block::"
    script = "set -euo pipefail\n" + "".join(
        f"{b.replace(ACTIVATE, ':  # the test runs in the suite environment')}\necho '{marker}'\n" for b in blocks
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHRONICLE_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", NO_COLOR="1", COLUMNS="200")
    env["XDG_DATA_HOME"] = str(cwd / "data")  # never the reader's own default store
    result = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    outputs = result.stdout.split(marker + "\n")
    assert result.returncode == 0, (
        f"README block {len(outputs)} failed (exit {result.returncode}):\n"
        f"{blocks[min(len(outputs), len(blocks)) - 1]}\nstderr: {result.stderr[-2000:]}"
    )
    return outputs[: len(blocks)]


def test_every_block_of_the_guide_runs_in_order_and_tells_the_story(tmp_path: Path) -> None:
    blocks = _blocks(README.read_text())
    assert len(blocks) >= 2, "the guide's blocks were not found: is each fenced as ```sh?"
    outputs = _run_in_order(blocks, tmp_path)
    said = "\n".join(outputs)
    # the figure as corrected, credited to the correction
    assert "2,500" in said
    assert re.search(r"troops.*us-troops-fix", said), "blame should credit the corrected figure to its correction"
    # the retracted statement is out of the story; the log shows the retraction itself
    assert "iraq-wants-exit-retracted" in said
    assert not re.search(r"^\S.*statement\s+Iraq wants the coalition to leave", said, flags=re.M)
    assert re.search(r"^OK: \d+ developments \(\d+ stored events\) verified", said, flags=re.M)
    assert (tmp_path / "story.html").stat().st_size > 10_000
