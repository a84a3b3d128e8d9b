# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module interpreter wrapper of the benchmark: run the real Python on the module, record the child's peak RSS.

Ansible runs ``<ansible_python_interpreter> AnsiballZ_<module>.py``; run_bench.py points that interpreter at a
small launcher that execs this file with the real Python. The module runs in a child process, and once it has
exited its peak resident set size is appended, as one JSON line, to the file named by BENCH_RSS_FILE.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import resource
import subprocess
import sys
import time

PREFIX = "AnsiballZ_"


def module_name(argv):
    """The module's name from the AnsiballZ file name, or "stdin" when the module is piped in."""
    for arg in argv:
        base = os.path.basename(arg)
        if base.startswith(PREFIX) and base.endswith(".py"):
            return base[len(PREFIX):-len(".py")]
    return "stdin"


def main():
    argv = sys.argv[1:]
    started_at = time.time()
    started = time.monotonic()
    status = subprocess.call([sys.executable] + argv)
    seconds = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    peak_kb = peak / 1024.0 if sys.platform == "darwin" else float(peak)
    record_file = os.environ.get("BENCH_RSS_FILE")
    if record_file:
        with open(record_file, "a") as stream:
            stream.write(json.dumps({"module": module_name(argv), "rc": status, "started_at": started_at, "seconds": round(seconds, 3),
                                     "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3), "peak_rss_kb": peak_kb}) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
