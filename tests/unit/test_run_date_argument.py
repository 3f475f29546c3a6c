"""A RUN_DATE that is not a partition is refused before anything slow loads."""

from __future__ import annotations

import subprocess
import sys

PROBE = ("import sys\n"
         "from orchestration.run import main\n"
         "code = main(['--run-date', sys.argv[1]])\n"
         "print('definitions loaded' if 'orchestration.defs.build' in sys.modules else 'not loaded')\n"
         "sys.exit(code)\n")


def _run(run_date: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, run_date], capture_output=True,
                          text=True, timeout=120)


def test_a_future_run_date_is_refused_before_the_definitions_load():
    result = _run("2030-01-01")
    assert result.returncode == 2
    assert result.stdout.strip() == "not loaded"
    assert "RUN_DATE=2030-01-01 is not a partition" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mistyped_run_date_is_one_line_naming_it():
    result = subprocess.run([sys.executable, "-m", "orchestration.run", "--run-date",
                             "2026-13-01"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "invalid fromisoformat value: '2026-13-01'" in result.stderr
    assert "Traceback" not in result.stderr
