"""What the benchmark reports say about the machine they ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe(**extra: str) -> dict[str, str]:
    """CPU, memory, operating system and Python, then ``extra`` (library versions and so on)."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    for path, key in (("/proc/cpuinfo", "model name"), ("/proc/meminfo", "MemTotal")):
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            continue
        value = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(key)), "")
        if value and key == "model name":
            cpu = value
        elif value:
            memory = f"{int(value.split()[0]) / 2**20:.1f} GiB"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs",
        "Memory": memory or "unknown",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        **extra,
    }
