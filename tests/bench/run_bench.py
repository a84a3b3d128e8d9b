# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the fleet stop: the collection's teardown against a naive uri loop and the API's rate limit.

    .venv/bin/python tests/bench/run_bench.py [--smoke] [--jobs N] [--rooms M] [--json FILE] ...

It starts the MetaStudio emulator with a per-call latency and a per-API rate limit, seeds live jobs, runs
ansible-playbook for each path with the collection taken from this working tree, and prints one
``name: value`` line per figure, then a summary line. The exit status is 1 when a target is missed, 2 when
the benchmark could not run. See tests/bench/README.md.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from urllib.error import HTTPError, URLError
from urllib.request import ProxyHandler, Request, build_opener

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EMULATOR = os.path.join(ROOT, "tests", "emulator", "run_emulator.py")

PROJECT_ID = "5b3a1e0c9d7f4e2a8c6b4d2f0e1a3c5b"
ACCESS_KEY = "HPUABENCHACCESSKEY01"
SECRET_KEY = "BenchSecretKey0000000000000000000000000001"
AUTH_TOKEN = "MIIbench-token-0000000000000000000000000000000000000000"
PAGE_SIZE = 100
RUNNING_STATES = ("WAITING", "PROCESSING")
FLEET_ACTIONS = (".metastudio_live_job_info", ".metastudio_live_job")

DEFAULTS = dict(jobs=1000, rooms=50, naive_jobs=50)
SMOKE = dict(jobs=20, rooms=4, naive_jobs=5)
TARGET_LIMIT_RATIO = 1.5
TARGET_SPEEDUP = 30.0
# With --scale: the fleet's wall time over the bound, per size; the client's CPU per call with the limit
# raised; the module's peak memory at every size.
TARGET_SCALE_RATIO = {1000: 1.15, 10000: 1.05}
TARGET_CPU_MS_PER_CALL = 0.5
TARGET_PEAK_RSS_MB = 100.0
SCALE_FIGURES = ("client_cpu_ms_per_call", "peak_module_rss_mb", "ansible_seconds", "ansible_share", "failures",
                 "jobs_left_running")

# Environment variables that would add a second way to authenticate, or send loopback calls to a proxy.
DROPPED_ENV_PREFIXES = ("HUAWEICLOUD_SDK_", "HW_", "BENCH_")
DROPPED_ENV = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


class BenchError(Exception):
    """The benchmark could not run (as opposed to a target being missed)."""


def log(message):
    sys.stderr.write("run_bench: %s\n" % message)
    sys.stderr.flush()


def _terminate(signal_number, frame):
    del signal_number, frame
    raise KeyboardInterrupt()


class EmulatorProcess(object):
    """The emulator as a child process on a free loopback port, driven through its admin interface."""

    def __init__(self, workdir, latency_ms, rate_limit):
        self.workdir = workdir
        self.latency_ms = latency_ms
        self.rate_limit = rate_limit
        self.process = None
        self.url = None
        self._opener = build_opener(ProxyHandler({}))

    def start(self, timeout=30.0):
        address_file = os.path.join(self.workdir, "emulator-address.json")
        command = [sys.executable, EMULATOR, "--port", "0", "--address-file", address_file, "--quiet",
                   "--behaviour", "latency_ms=%s" % self.latency_ms, "rate_limit_per_second=%s" % self.rate_limit]
        with open(os.path.join(self.workdir, "emulator.log"), "w") as errors:
            # A session of its own: Ctrl-C in the terminal reaches the benchmark, which then stops it.
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not os.path.exists(address_file):
            if self.process.poll() is not None:
                raise BenchError("the emulator exited with status %s: %s" % (self.process.returncode, self._errors()))
            if time.monotonic() > deadline:
                raise BenchError("the emulator did not start within %d seconds" % timeout)
            time.sleep(0.05)
        with open(address_file) as stream:
            self.url = json.load(stream)["url"]

    def _errors(self):
        with open(os.path.join(self.workdir, "emulator.log")) as stream:
            return stream.read()[-2000:].strip() or "no message"

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = Request(self.url + "/_emulator/" + path, data=data, method=method,
                          headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=120) as response:
                return json.loads(response.read().decode("utf-8"))
        except HTTPError as error:
            raise BenchError("emulator %s /_emulator/%s answered %s: %s" % (method, path, error.code, error.read()[:500]))
        except URLError as error:
            raise BenchError("emulator %s /_emulator/%s failed: %s" % (method, path, error.reason))

    def prepare(self, jobs, rooms, rate_limit=None, latency_ms=None):
        """Forget everything, set the latency and the rate limit again, seed the jobs and the credentials.
        A ``rate_limit`` of 0 turns the emulator's limit off."""
        self.admin("POST", "reset", {})
        rate_limit = self.rate_limit if rate_limit is None else (rate_limit or None)
        latency_ms = self.latency_ms if latency_ms is None else latency_ms
        self.admin("PUT", "behaviour", {"latency_ms": latency_ms, "rate_limit_per_second": rate_limit})
        created = self.admin("POST", "seed", {
            "projects": [{"project_id": PROJECT_ID, "name": "cn-north-4"}],
            "credentials": [{"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "project_ids": [PROJECT_ID]}],
            "tokens": [{"token": AUTH_TOKEN, "project_id": PROJECT_ID, "expires_in": 86400}],
            "generate": {"project_id": PROJECT_ID, "rooms": rooms, "jobs": jobs, "state": "PROCESSING",
                         "room_name_prefix": "bench-room-"},
        })
        if len(created["jobs"]) != jobs:
            raise BenchError("the emulator seeded %d jobs instead of %d" % (len(created["jobs"]), jobs))

    def calls(self):
        return self.admin("GET", "calls")["calls"]

    def jobs(self):
        return self.admin("GET", "jobs?project_id=%s" % PROJECT_ID)["jobs"]

    def cpu_seconds(self):
        """User and system CPU seconds the emulator has used so far (Linux only, else None)."""
        try:
            with open("/proc/%d/stat" % self.process.pid) as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Bench(object):
    def __init__(self, args, workdir, emulator):
        self.args = args
        self.workdir = workdir
        self.emulator = emulator
        self.figures = {}
        self.scale_rows = []
        self.collections = os.path.join(workdir, "collections")
        namespace = os.path.join(self.collections, "ansible_collections", "metastudio")
        os.makedirs(namespace)
        os.symlink(os.path.abspath(args.collection), os.path.join(namespace, "cloud"))
        self.ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        if not os.path.isfile(self.ansible_playbook):
            raise BenchError("no ansible-playbook next to %s" % sys.executable)

    def put(self, name, value):
        self.figures[name] = value

    # -- running a playbook ---------------------------------------------------------------------------

    def environment(self, phase):
        env = dict((key, value) for key, value in os.environ.items()
                   if not key.startswith(DROPPED_ENV_PREFIXES) and key not in DROPPED_ENV)
        no_proxy = "127.0.0.1,localhost"
        env.update(
            ANSIBLE_COLLECTIONS_PATH=self.collections,
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="bench_record",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            BENCH_RECORD_FILE=os.path.join(self.workdir, "%s-record.json" % phase),
            BENCH_RSS_FILE=os.path.join(self.workdir, "%s-rss.jsonl" % phase),
            HW_METASTUDIO_ENDPOINT=self.emulator.url,
            HUAWEICLOUD_SDK_PROJECT_ID=PROJECT_ID,
            NO_PROXY=no_proxy,
            no_proxy=no_proxy,
        )
        return env

    def module_launcher(self):
        """An executable that Ansible can take as the module interpreter: it runs rss_wrapper.py."""
        path = os.path.join(self.workdir, "bin", "python")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path))
            with open(path, "w") as stream:
                stream.write("#!/bin/sh\nexec '%s' '%s' \"$@\"\n" % (sys.executable, os.path.join(HERE, "rss_wrapper.py")))
            os.chmod(path, 0o755)
        return path

    def run_playbook(self, phase, arguments, env):
        """Run ansible-playbook; return (exit status, wall seconds, callback record)."""
        output = os.path.join(self.workdir, "%s-ansible.log" % phase)
        with open(output, "w") as stream:
            started = time.monotonic()
            process = subprocess.Popen([self.ansible_playbook] + arguments, env=env, cwd=self.workdir,
                                       stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT)
            try:
                status = process.wait()
            except BaseException:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                raise
            seconds = time.monotonic() - started
        if status != 0:
            with open(output) as stream:
                tail = stream.read()[-3000:]
            log("%s playbook exited with status %d; end of its output:\n%s" % (phase, status, tail))
        record = {"tasks": []}
        if os.path.exists(env["BENCH_RECORD_FILE"]):
            with open(env["BENCH_RECORD_FILE"]) as stream:
                record = json.load(stream)
        return status, seconds, record

    # -- phases ---------------------------------------------------------------------------------------

    def fleet_playbook(self, client_rate_limit=None):
        teardown = os.path.join(self.args.collection, "playbooks", "teardown.yml")
        role = os.path.join(self.args.collection, "roles", "live_teardown", "tasks", "main.yml")
        if client_rate_limit is None and (self.args.fleet == "teardown" or (
                self.args.fleet == "auto" and os.path.isfile(teardown) and os.path.isfile(role))):
            return "teardown", ["metastudio.cloud.teardown"], {"all_rooms": True, "concurrency": self.args.concurrency}
        extra = {"bench_concurrency": self.args.concurrency}
        if client_rate_limit is not None:
            # The teardown playbook has no rate_limit of its own: its stop task, with one.
            extra["bench_rate_limit"] = client_rate_limit
            return "raised", [os.path.join(HERE, "fleet_raised.yml")], extra
        return "bulk", [os.path.join(HERE, "fleet_bulk.yml")], extra

    def fleet(self):
        """Run the fleet path --repeat times; the run with the median wall time stands for all of them."""
        args = self.args
        runs = [self.fleet_once("fleet-%d" % (index + 1) if args.repeat > 1 else "fleet") for index in range(args.repeat)]
        chosen = sorted(runs, key=lambda run: run["fleet.wall_seconds"])[(len(runs) - 1) // 2]
        self.figures.update(chosen)
        if args.repeat > 1:
            # Correctness must hold in every run, not only in the median one.
            self.put("fleet.runs", len(runs))
            self.put("fleet.wall_seconds_each", [run["fleet.wall_seconds"] for run in runs])
            self.put("fleet.failures", sum(run["fleet.failures"] for run in runs))
            self.put("fleet.jobs_left_running", max(run["fleet.jobs_left_running"] for run in runs))
            self.put("fleet.playbook_rc", max(run["fleet.playbook_rc"] for run in runs))

    def fleet_once(self, phase, jobs=None, rate_limit=None, client_rate_limit=None, latency_ms=None):
        """One fleet run of ``jobs`` jobs (default --jobs), the emulator allowing ``rate_limit`` calls per second
        per API (default --rate-limit, 0 for none) after ``latency_ms`` (default --latency-ms), the collection
        pacing itself at ``client_rate_limit`` (default its own)."""
        args = self.args
        jobs = jobs or args.jobs
        figures = {}

        def put(name, value):
            figures["fleet." + name] = value

        rooms = min(args.rooms, jobs)
        log("%s: seeding %d jobs in %d rooms" % (phase, jobs, rooms))
        self.emulator.prepare(jobs, rooms, rate_limit, latency_ms)
        kind, playbook, extra = self.fleet_playbook(client_rate_limit)
        extra["ansible_python_interpreter"] = self.module_launcher()
        env = self.environment(phase)
        env.update(HUAWEICLOUD_SDK_AK=ACCESS_KEY, HUAWEICLOUD_SDK_SK=SECRET_KEY)
        log("%s: running the %s playbook (concurrency %d)" % (phase, kind, args.concurrency))
        cpu_before = self.emulator.cpu_seconds()
        status, seconds, record = self.run_playbook(phase, playbook + ["-e", json.dumps(extra)], env)
        cpu_after = self.emulator.cpu_seconds()
        calls = self.emulator.calls()
        left = self.emulator.jobs()
        self.keep(phase, calls)

        tasks = dict((task["action"].rsplit(".", 1)[-1], task) for task in record["tasks"]
                     if task["action"].endswith(FLEET_ACTIONS))
        listing, stop = tasks.get("metastudio_live_job_info"), tasks.get("metastudio_live_job")
        put("playbook", kind)
        put("concurrency", args.concurrency)
        put("wall_seconds", round(seconds, 2))
        put("list_task_seconds", _task_seconds(listing))
        put("stop_task_seconds", _task_seconds(stop))
        figures.update(_call_figures("fleet", calls))
        if figures["fleet.api_span_seconds"] is not None:
            # Time spent outside the API: Ansible, module start-up, passing the job lists around.
            put("outside_api_seconds", round(seconds - figures["fleet.api_span_seconds"], 2))
        stop_calls = [call for call in calls if call["operation"] == "StopSmartLive" and call["status"] == 200]
        stop_span = _span(stop_calls)
        put("stop_calls_per_second", round((len(stop_calls) - 1) / stop_span, 1) if stop_span else None)
        summary = stop["summary"] if stop else {}
        put("jobs_listed", (listing or {}).get("summary", {}).get("jobs"))
        put("jobs_stopped", summary.get("stopped"))
        # Without a per-job outcome (the task failed as a whole, or never ran) every job counts as failed.
        put("failures", summary["failed_jobs"] if "failed_jobs" in summary else jobs)
        put("jobs_left_running", _running(left))
        put("playbook_rc", status)
        modules = _rss_records(env)
        put("module_runs", len(modules))
        for module in modules:
            put("module.%s.seconds" % module["module"], module["seconds"])
            put("module.%s.cpu_seconds" % module["module"], module.get("cpu_seconds"))
        put("emulator_cpu_seconds", round(cpu_after - cpu_before, 2) if None not in (cpu_before, cpu_after) else None)
        put("peak_module_rss_mb", _peak_rss_mb(modules))
        figures.update(_client_figures(seconds, len(calls), modules))
        return figures

    def repeated(self, phase, **settings):
        """fleet_once --repeat times; the run with the median wall time, with correctness summed over all."""
        runs = [self.fleet_once(phase if self.args.repeat == 1 else "%s-%d" % (phase, index + 1), **settings)
                for index in range(self.args.repeat)]
        chosen = dict(sorted(runs, key=lambda run: run["fleet.wall_seconds"])[(len(runs) - 1) // 2])
        chosen["fleet.failures"] = sum(run["fleet.failures"] for run in runs)
        chosen["fleet.jobs_left_running"] = max(run["fleet.jobs_left_running"] for run in runs)
        chosen["fleet.playbook_rc"] = max(run["fleet.playbook_rc"] for run in runs)
        cpu = sorted(run["fleet.client_cpu_ms_per_call"] for run in runs if run["fleet.client_cpu_ms_per_call"] is not None)
        chosen["fleet.client_cpu_ms_per_call"] = cpu[(len(cpu) - 1) // 2] if cpu else None
        return chosen

    def scaling(self):
        """The fleet at the gateway's limit for each size of --scale: wall time against the bound."""
        for jobs in self.args.scale:
            run = self.repeated("scale-%d" % jobs, jobs=jobs)
            bound = _limit_seconds(jobs, self.args.rate_limit)
            row = dict(jobs=jobs, wall_seconds=run["fleet.wall_seconds"], bound_seconds=bound,
                       ratio=round(run["fleet.wall_seconds"] / bound, 3))
            for name in SCALE_FIGURES:
                row[name] = run["fleet." + name]
            self.scale_rows.append(row)
            for name, value in row.items():
                self.put("scale.%d.%s" % (jobs, name), value)

    def raised(self):
        """The fleet with the API's limit raised (or off) and the client's pacing off: what the client costs."""
        args = self.args
        run = self.repeated("raised", jobs=args.raised_jobs, rate_limit=args.raised_limit, client_rate_limit=0,
                            latency_ms=args.raised_latency_ms)
        self.put("raised.jobs", args.raised_jobs)
        self.put("raised.emulator_rate_limit", args.raised_limit or None)
        self.put("raised.latency_ms", args.raised_latency_ms)
        for name in ("wall_seconds", "calls", "http_429") + SCALE_FIGURES:
            self.put("raised." + name, run["fleet." + name])
        self.put("raised.calls_per_second", round(run["fleet.calls"] / run["fleet.wall_seconds"], 1))

    def naive(self):
        args = self.args
        rooms = min(args.rooms, args.naive_jobs)
        log("naive: seeding %d jobs in %d rooms" % (args.naive_jobs, rooms))
        self.emulator.prepare(args.naive_jobs, rooms)
        env = self.environment("naive")
        env.update(HW_AUTH_TOKEN=AUTH_TOKEN)
        log("naive: running the uri loop over %d jobs" % args.naive_jobs)
        status, seconds, record = self.run_playbook("naive", [os.path.join(HERE, "naive.yml")], env)
        calls = self.emulator.calls()
        jobs = self.emulator.jobs()
        self.keep("naive", calls)

        loop = [task for task in record["tasks"] if task["name"] == "Stop each running job"]
        loop = loop[0] if loop else None
        measured = loop["items_ok"] + loop["items_failed"] if loop else 0
        loop_seconds = _task_seconds(loop)
        self.put("naive.jobs_measured", measured)
        self.put("naive.wall_seconds", round(seconds, 2))
        self.put("naive.loop_seconds", loop_seconds)
        per_job = loop_seconds / measured if measured and loop_seconds is not None else None
        overhead = seconds - loop_seconds if loop_seconds is not None else None
        self.put("naive.seconds_per_job", round(per_job, 4) if per_job is not None else None)
        self.put("naive.overhead_seconds", round(overhead, 2) if overhead is not None else None)
        self.put("naive.projected_jobs", args.jobs)
        # Projected, not measured: the playbook's fixed cost plus one loop iteration per job of the fleet.
        projected = overhead + per_job * args.jobs if per_job is not None else None
        self.put("naive.projected_seconds", round(projected, 1) if projected is not None else None)
        self.figures.update(_call_figures("naive", calls))
        self.put("naive.failures", loop["items_failed"] if loop and measured == args.naive_jobs else args.naive_jobs)
        self.put("naive.jobs_left_running", _running(jobs))
        self.put("naive.playbook_rc", status)

    def limit(self):
        args = self.args
        pages = -(-args.jobs // PAGE_SIZE)
        self.put("limit.stop_calls", args.jobs)
        self.put("limit.list_calls", pages)
        self.put("limit.rate_per_second", args.rate_limit)
        self.put("limit.seconds", _limit_seconds(args.jobs, args.rate_limit))

    def ratios(self):
        fleet = self.figures["fleet.wall_seconds"]
        naive = self.figures.get("naive.projected_seconds")
        self.put("ratio.fleet_over_limit", round(fleet / self.figures["limit.seconds"], 3))
        self.put("ratio.fleet_over_naive", round(fleet / naive, 4) if naive else None)
        self.put("ratio.naive_over_fleet", round(naive / fleet, 1) if naive else None)

    def keep(self, phase, calls):
        if self.args.keep:
            with open(os.path.join(self.workdir, "%s-calls.json" % phase), "w") as stream:
                json.dump(calls, stream)

    def scale_misses(self):
        """The targets of --scale and --raised-limit that were missed, and any failure in those runs."""
        misses = []
        for row in self.scale_rows:
            target = TARGET_SCALE_RATIO.get(row["jobs"])
            if target is not None and row["ratio"] > target:
                misses.append("%d jobs: fleet is %.2fx the bound (target <= %.2fx)" % (row["jobs"], row["ratio"], target))
            if row["peak_module_rss_mb"] is not None and row["peak_module_rss_mb"] >= TARGET_PEAK_RSS_MB:
                misses.append("%d jobs: module peak RSS %.1f MiB (target < %d)" % (
                    row["jobs"], row["peak_module_rss_mb"], TARGET_PEAK_RSS_MB))
            if row["failures"] or row["jobs_left_running"]:
                misses.append("%d jobs: %d failures, %d jobs left running" % (row["jobs"], row["failures"], row["jobs_left_running"]))
        cpu = self.figures.get("raised.client_cpu_ms_per_call")
        if "raised.jobs" in self.figures:
            if cpu is None or cpu > TARGET_CPU_MS_PER_CALL:
                misses.append("raised limit: %s ms of CPU per call (target <= %.1f)" % (cpu, TARGET_CPU_MS_PER_CALL))
            if self.figures["raised.failures"] or self.figures["raised.jobs_left_running"]:
                misses.append("raised limit: %d failures, %d jobs left running" % (
                    self.figures["raised.failures"], self.figures["raised.jobs_left_running"]))
        return misses

    def table(self):
        """The scaling table and the raised-limit run, as text lines."""
        header = ("jobs", "wall s", "bound s", "ratio", "CPU ms/call", "RSS MiB", "Ansible s (%)")
        lines = ["# %6s %9s %9s %7s %12s %9s %14s" % header]
        rows = list(self.scale_rows)
        if "raised.jobs" in self.figures:
            rows.append(dict(("raised" if name == "jobs" else name, self.figures.get("raised." + name))
                             for name in ("jobs", "wall_seconds") + SCALE_FIGURES))
        for row in rows:
            label = "%6d" % row["jobs"] if "jobs" in row else "%6s" % ("%d*" % row["raised"])
            lines.append("# %s %9.2f %9s %7s %12s %9s %8s (%3.0f%%)" % (
                label, row["wall_seconds"], _fixed(row.get("bound_seconds")), _fixed(row.get("ratio")),
                _fixed(row["client_cpu_ms_per_call"], 3), _fixed(row["peak_module_rss_mb"], 1),
                _fixed(row["ansible_seconds"]), 100.0 * (row["ansible_share"] or 0.0)))
        if "raised.jobs" in self.figures:
            lines.append("# * raised limit: emulator limit %s, latency %s ms, the collection's rate_limit 0" % (
                self.figures["raised.emulator_rate_limit"] or "off", self.figures["raised.latency_ms"]))
        return lines

    # -- verdict --------------------------------------------------------------------------------------

    def verdict(self):
        """(passed, summary line)."""
        figures = self.figures
        args = self.args
        misses = []
        failures = figures["fleet.failures"] + figures["naive.failures"]
        if failures:
            misses.append("%d failures (fleet %d, naive %d)" % (failures, figures["fleet.failures"], figures["naive.failures"]))
        left = figures["fleet.jobs_left_running"] + figures["naive.jobs_left_running"]
        if left:
            misses.append("%d jobs still running (fleet %d, naive %d)" % (
                left, figures["fleet.jobs_left_running"], figures["naive.jobs_left_running"]))
        for phase in ("fleet", "naive"):
            if figures["%s.playbook_rc" % phase] != 0:
                misses.append("the %s playbook failed (exit status %d)" % (phase, figures["%s.playbook_rc" % phase]))
        if figures["naive.jobs_measured"] != args.naive_jobs:
            misses.append("the naive loop ran %d of %d jobs" % (figures["naive.jobs_measured"], args.naive_jobs))
        over_limit = figures["ratio.fleet_over_limit"]
        speedup = figures["ratio.naive_over_fleet"]
        timing = "fleet %.2fs = %.2fx the limit of %.2fs (target <= %.1fx); %sx faster than the naive loop projected to %d jobs (target > %dx)" % (
            figures["fleet.wall_seconds"], over_limit, figures["limit.seconds"], TARGET_LIMIT_RATIO,
            "?" if speedup is None else "%.1f" % speedup, args.jobs, TARGET_SPEEDUP)
        if not args.smoke:
            if over_limit > TARGET_LIMIT_RATIO:
                misses.append("fleet is %.2fx the limit (target <= %.1fx)" % (over_limit, TARGET_LIMIT_RATIO))
            if speedup is None or speedup <= TARGET_SPEEDUP:
                misses.append("fleet is only %sx faster than the naive loop (target > %dx)" % (
                    "?" if speedup is None else "%.1f" % speedup, TARGET_SPEEDUP))
        if not args.smoke:
            misses += self.scale_misses()
        correctness = "%d failures, %d/%d fleet jobs and %d/%d naive jobs ended" % (
            failures, args.jobs - figures["fleet.jobs_left_running"], args.jobs,
            args.naive_jobs - figures["naive.jobs_left_running"], args.naive_jobs)
        if args.smoke:
            # A smoke run is too small for its timings to mean anything: they are shown, never judged.
            mode = "smoke run: correctness judged, timings NOT judged"
            timing = "timings, not judged at this size: fleet %.2fs = %.2fx the limit of %.2fs, %sx the naive loop's speed" % (
                figures["fleet.wall_seconds"], over_limit, figures["limit.seconds"], "?" if speedup is None else "%.1f" % speedup)
            verdict = "correctness FAIL" if misses else "correctness OK"
        else:
            mode = "full run: correctness and timings judged"
            verdict = "FAIL" if misses else "PASS"
        if misses:
            return False, "summary: %s (%s): %s. [%s; %s]" % (verdict, mode, "; ".join(misses), correctness, timing)
        return True, "summary: %s (%s): %s; %s" % (verdict, mode, correctness, timing)


def _limit_seconds(jobs, rate):
    """The API's bound: every stop call, plus the listing pages, at the rate limit."""
    return round((jobs + -(-jobs // PAGE_SIZE)) / float(rate), 3)


def _client_figures(wall_seconds, calls, modules):
    """What the module processes cost (CPU per API call, wall) and the share of the wall time outside them."""
    module_seconds = sum(module["seconds"] for module in modules)
    module_cpu = sum(module.get("cpu_seconds") or 0.0 for module in modules)
    return {
        "fleet.module_seconds": round(module_seconds, 2),
        "fleet.module_cpu_seconds": round(module_cpu, 2),
        "fleet.client_cpu_ms_per_call": round(1000.0 * module_cpu / calls, 3) if calls and modules else None,
        # Ansible itself: start-up, templating and passing the job lists and results between tasks.
        "fleet.ansible_seconds": round(wall_seconds - module_seconds, 2),
        "fleet.ansible_share": round((wall_seconds - module_seconds) / wall_seconds, 3) if wall_seconds else None,
    }


def _call_figures(phase, calls):
    """Figures from one phase's call log: calls per operation, throttled and failed calls, time span."""
    figures = {"%s.calls" % phase: len(calls)}
    operations = {}
    for call in calls:
        operations[call["operation"]] = operations.get(call["operation"], 0) + 1
    for operation in sorted(operations, key=str):
        figures["%s.calls.%s" % (phase, operation)] = operations[operation]
    figures["%s.http_429" % phase] = sum(1 for call in calls if call["status"] == 429)
    figures["%s.http_errors_other" % phase] = sum(
        1 for call in calls if call["status"] is None or (call["status"] >= 400 and call["status"] != 429))
    span = _span(calls)
    figures["%s.api_span_seconds" % phase] = round(span, 2) if span is not None else None
    return figures


def _task_seconds(task):
    if not task or task.get("end") is None:
        return None
    return round(task["end"] - task["start"], 2)


def _call_time(call):
    return datetime.datetime.strptime(call["time"], "%Y-%m-%dT%H:%M:%S.%fZ")


def _span(calls):
    """Seconds from the first answer to the last one in the call log."""
    if len(calls) < 2:
        return None
    times = [_call_time(call) for call in calls]
    return (max(times) - min(times)).total_seconds()


def _running(jobs):
    return sum(1 for job in jobs if job.get("state") in RUNNING_STATES)


def _rss_records(env):
    path = env["BENCH_RSS_FILE"]
    if not os.path.exists(path):
        return []
    with open(path) as stream:
        return [json.loads(line) for line in stream if line.strip()]


def _peak_rss_mb(records):
    if not records:
        return None
    return round(max(record["peak_rss_kb"] for record in records) / 1024.0, 1)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="run_bench.py",
        description="Benchmark the fleet stop of metastudio.cloud against a naive uri loop and the API's rate limit.")
    parser.add_argument("--jobs", type=int, help="live jobs of the fleet path (default %(jobs)d, smoke %(smoke)d)" % dict(
        jobs=DEFAULTS["jobs"], smoke=SMOKE["jobs"]))
    parser.add_argument("--rooms", type=int, help="rooms the jobs are spread over (default %(rooms)d, smoke %(smoke)d)" % dict(
        rooms=DEFAULTS["rooms"], smoke=SMOKE["rooms"]))
    parser.add_argument("--naive-jobs", type=int, help="jobs stopped by the naive loop, projected to --jobs (default %(naive)d, smoke %(smoke)d)"
                        % dict(naive=DEFAULTS["naive_jobs"], smoke=SMOKE["naive_jobs"]))
    parser.add_argument("--latency-ms", type=float, default=20, help="latency the emulator adds to every API call (default 20)")
    parser.add_argument("--rate-limit", type=float, default=200,
                        help="calls per second the emulator allows per API, as the gateway does (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrency option of the fleet path (default 20)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the fleet path this many times and keep the run with the median wall time (default 1)")
    parser.add_argument("--fleet", choices=("auto", "teardown", "bulk"), default="auto",
                        help="fleet path: the teardown playbook, the two bulk tasks, or the first when it exists (default auto)")
    parser.add_argument("--scale", type=_sizes, default=[], metavar="N,N,...",
                        help="also run the fleet path for each of these job counts and print the scaling table")
    parser.add_argument("--raised-limit", type=float, metavar="R",
                        help="also run the fleet with the emulator's limit at R calls/s per API (0: none) and the "
                        "collection's rate_limit 0, to measure the client's CPU per call")
    parser.add_argument("--raised-jobs", type=int, default=5000, help="jobs of the raised-limit run (default 5000)")
    parser.add_argument("--raised-latency-ms", type=float, default=0,
                        help="latency of the raised-limit run (default 0)")
    parser.add_argument("--collection", default=ROOT, help="the collection to benchmark (default: this working tree)")
    parser.add_argument("--smoke", action="store_true", help="tiny run that checks correctness only; timing is not enforced")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (playbook output, call logs)")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else DEFAULTS
    for name, value in sizes.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.jobs < 1 or args.naive_jobs < 1:
        parser.error("--jobs and --naive-jobs must be at least 1")
    if not 1 <= args.rooms <= args.jobs:
        parser.error("--rooms must be between 1 and --jobs")
    if args.rate_limit <= 0 or args.latency_ms < 0:
        parser.error("--rate-limit must be more than 0 and --latency-ms at least 0")
    if not 1 <= args.concurrency <= 100:
        parser.error("--concurrency must be between 1 and 100")
    if args.raised_limit is not None and (args.raised_limit < 0 or args.raised_jobs < 1 or args.raised_latency_ms < 0):
        parser.error("--raised-limit, --raised-jobs and --raised-latency-ms must not be negative")
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat must be between 1 and 20")
    # 20 rather than 20.0 in the figures and in the emulator's behaviour.
    args.latency_ms, args.rate_limit = _integral(args.latency_ms), _integral(args.rate_limit)
    if not os.path.isfile(os.path.join(args.collection, "galaxy.yml")):
        parser.error("--collection %s holds no galaxy.yml" % args.collection)
    return args


def _integral(number):
    return int(number) if float(number).is_integer() else number


def _fixed(value, digits=2):
    return "-" if value is None else "%.*f" % (digits, value)


def _sizes(text):
    try:
        sizes = [int(size) for size in text.split(",") if size.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("--scale takes job counts separated by commas, such as 100,1000,10000")
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--scale takes job counts of at least 1")
    return sizes


def _show(value):
    return value if isinstance(value, str) else json.dumps(value)


def _load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    workdir = tempfile.mkdtemp(prefix="metastudio-bench-")
    emulator = EmulatorProcess(workdir, args.latency_ms, args.rate_limit)
    status = 2
    try:
        emulator.start()
        log("emulator at %s, latency %s ms, rate limit %s calls/s per API" % (emulator.url, args.latency_ms, args.rate_limit))
        bench = Bench(args, workdir, emulator)
        for name in ("jobs", "rooms", "naive_jobs", "latency_ms", "rate_limit", "concurrency", "repeat", "smoke"):
            bench.put("settings.%s" % name, getattr(args, name))
        bench.put("machine.cpus", os.cpu_count())
        bench.put("machine.load_average_before", _load_average())
        bench.fleet()
        bench.naive()
        bench.limit()
        bench.ratios()
        if args.scale:
            bench.scaling()
        if args.raised_limit is not None:
            bench.raised()
        bench.put("machine.load_average_after", _load_average())
        passed, summary = bench.verdict()
        for name, value in bench.figures.items():
            print("%s: %s" % (name, _show(value)))
        if bench.scale_rows or args.raised_limit is not None:
            print("\n".join(bench.table()))
        print(summary)
        sys.stdout.flush()
        if args.json:
            with open(args.json, "w") as stream:
                json.dump(dict(figures=bench.figures, passed=passed, summary=summary), stream, indent=2)
                stream.write("\n")
        status = 0 if passed else 1
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    except BenchError as error:
        log(str(error))
        status = 2
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        emulator.stop()
        if args.keep:
            log("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
