#!/usr/bin/env python3
"""Writes when, where and how a test run was made (called by scripts/test.sh).

    scripts/test_run_info.py OUT.json [PYTEST ARGUMENTS...]

The testing document (scripts/docs_testreport.py) prints it beside the
counts of pytest's JUnit report: date (UTC), host name, processor, number of
CPUs, memory, operating system, the commit of the code and the pytest
arguments given (empty: the whole suite).
"""

import json
import os
import platform
import shlex
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_model():
    """The processor's model name (Linux), else what platform knows."""
    path = Path("/proc/cpuinfo")
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def memory_total():
    """The machine's memory in GiB (Linux), else an empty text."""
    path = Path("/proc/meminfo")
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        if line.startswith("MemTotal") and line.split()[1].isdigit():
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return ""


def main(argv):
    out, *args = argv
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    info = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "hostname": socket.gethostname(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "memory": memory_total(),
        "os": platform.platform(),
        "commit": commit,
        "pytest_args": shlex.join(args),
    }
    Path(out).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
