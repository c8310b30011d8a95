"""Run one child process and measure it: wall time, peak RSS and CPU of that child alone (os.wait4)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass
class Run:
    argv: list[str]
    wall: float  # seconds, fork to reap
    rc: int
    maxrss_mb: float  # peak resident set size of this child
    cpu: float  # user + system seconds
    stdout: bytes
    stderr: bytes
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out

    def describe_failure(self) -> str:
        if self.timed_out:
            return f"timed out after {self.wall:.0f} s"
        tail = self.stderr.decode(errors="replace").strip().splitlines()[-3:]
        return f"exit {self.rc}: {' | '.join(tail)}"


# Chronicle's own packages, compiled to bytecode before anything is timed (`compiled`).
PACKAGES = ("domain", "projections", "service", "cli", "exports", "integrity", "web")


def compiled() -> None:
    """Chronicle's modules compiled to bytecode, as pip compiles an installed wheel and as a user's second
    run finds them: where PYTHONDONTWRITEBYTECODE is set, every process timed would compile each module
    it imports again (about 0.1 s of a `show`)."""
    import compileall

    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def child_env(chronicle_src: Path | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every child: no store from the caller, no colour, optional source override."""
    env = {k: v for k, v in os.environ.items() if k not in ("CHRONICLE_STORE", "PYTHONPATH")}
    env.update(NO_COLOR="1", COLUMNS="200")
    paths = []
    if chronicle_src is not None:
        # A directory holding a `chronicle` package shadows the editable install (its finder comes last).
        paths.append(str(chronicle_src))
    paths.append(str(ROOT))  # so `-m bench.child` resolves from any cwd
    env["PYTHONPATH"] = os.pathsep.join(paths)
    if extra:
        env.update(extra)
    return env


def run(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    timeout: float | None = None,
    stdin: Path | None = None,
    cwd: Path = ROOT,
    keep_stdout: bool = True,
) -> Run:
    """Run argv to completion (or kill it at `timeout`); measure it with wait4, not RUSAGE_CHILDREN."""
    argv = [str(a) for a in argv]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        source = stdin.open("rb") if stdin is not None else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            sink = out if keep_stdout else subprocess.DEVNULL  # a whole store's `log` is hundreds of MB
            proc = subprocess.Popen(argv, stdout=sink, stderr=err, stdin=source, env=env, cwd=cwd)
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                proc.kill()

            timer = threading.Timer(timeout, kill) if timeout else None
            if timer:
                timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            if timer:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin is not None:
                source.close()  # type: ignore[union-attr]
        out.seek(0)
        err.seek(0)
        return Run(
            argv=argv,
            wall=wall,
            rc=proc.returncode,
            maxrss_mb=usage.ru_maxrss / 1024,
            cpu=usage.ru_utime + usage.ru_stime,
            stdout=out.read(),
            stderr=err.read(),
            timed_out=killed.is_set(),
        )
