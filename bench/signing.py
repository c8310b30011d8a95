"""`python -m bench.signing`: what signing costs a single append, paired in one run.

Each pair is two fresh `chronicle append statement` processes on one demo store, one plain and one with
`--signing-key` (the order alternates pair by pair, so the host's drift hits both alike). The figure is
the median of the signed/plain ratios.

    python -m bench.signing --pairs 15 --out bench/results/signing.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import proc

SEED = proc.ROOT / "service" / "stories" / "seed.jsonl"
TARGET = 1.10  # signing may cost at most a tenth of an append


def _chronicle(*args: str, env: dict[str, str]) -> proc.Run:
    run = proc.run([str(proc.BIN / "chronicle"), *args], env=env, timeout=120)
    if not run.ok:
        raise SystemExit(f"chronicle {' '.join(args[:2])}: {run.describe_failure()}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        key = Path(work) / "bench.key"
        pub = Path(work) / "bench.pub"
        env = proc.child_env(extra={"CHRONICLE_STORE": f"sqlite:///{work}/signing.db", "CHRONICLE_ANALYST": "bench"})
        _chronicle("init", env=env)
        key.write_bytes(_chronicle("key", "new", "--signing", "--name", "bench", env=env).stdout)
        key.chmod(0o600)
        pub.write_bytes(_chronicle("key", "public", "--key-file", str(key), env=env).stdout)
        _chronicle("analyst", "add", "bench", "--public-key", str(pub), env=env)
        _chronicle("append", "--file", str(SEED), env=env)
        plain, signed, ratios = [], [], []
        for i in range(options.pairs):
            times = {}
            for signing in (False, True) if i % 2 == 0 else (True, False):
                extra = ["--signing-key", str(key)] if signing else []
                run = _chronicle(
                    "append", "statement", "--occurred", "2024-01-06", "--by", "us", "--source", "Reuters",
                    "--summary", f"Note {i} {signing}", "--text", "A note", *extra, env=env,
                )  # fmt: skip
                times[signing] = run.wall
            plain.append(times[False])
            signed.append(times[True])
            ratios.append(times[True] / times[False])
        _chronicle("verify", env=env)  # every signed append checks out
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "pairs": options.pairs,
        "plain_ms_median": round(statistics.median(plain) * 1000, 1),
        "signed_ms_median": round(statistics.median(signed) * 1000, 1),
        "ratio_median": round(statistics.median(ratios), 3),
        "target": TARGET,
        "met": statistics.median(ratios) <= TARGET,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if options.out:
        options.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
