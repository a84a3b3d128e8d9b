# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared machinery of the reliability suite.

- Lab: an in-process MetaStudio emulator on 127.0.0.1, seeded with the suite's identities.
- run_module: the module file run as a subprocess with an args JSON file, as Ansible would run it.
- run_playbook / start_playbook: ansible-playbook with the collection taken from this working tree.
- call-log helpers and the BOOK that adds up the calls and retries of every case for the figures.

Every subprocess gets a scrubbed environment (no proxies, no cloud credentials, no CA bundle overrides, no
user Ansible configuration) and the network guard of ``netguard/`` on PYTHONPATH.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from metastudio_emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

PYTHON = sys.executable
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
MODULE_PATH = os.path.join(ROOT, "plugins", "modules", "metastudio_live_job.py")
NETGUARD = os.path.join(HERE, "netguard")
CALLBACKS = os.path.join(HERE, "callback_plugins")
TRACEBACK = "Traceback (most recent call last)"

# Identities seeded into every emulator. The secret ones are long random strings made for this run, so
# that finding one anywhere is unambiguous.
PROJECT_ID = "5eed0000aaaabbbbccccddddeeee0001"
OTHER_PROJECT_ID = "5eed0000aaaabbbbccccddddeeee0002"
ACCESS_KEY = "RELIABILITYAK0000001"
TEMP_ACCESS_KEY = "RELIABILITYTEMPAK001"
SECRET_KEY = "rel-sk-" + secrets.token_hex(24)
TEMP_SECRET_KEY = "rel-tsk-" + secrets.token_hex(24)
SECURITY_TOKEN = "rel-sectoken-" + secrets.token_hex(32)
AUTH_TOKEN = "rel-authtoken-" + secrets.token_hex(32)
IAM_DOMAIN = "reliability-account"
IAM_USER = "reliability-operator"
IAM_PASSWORD = "rel-iampw-" + secrets.token_hex(20)
WRONG_SECRET_KEY = "rel-wrongsk-" + secrets.token_hex(24)
WRONG_AUTH_TOKEN = "rel-wrongtoken-" + secrets.token_hex(32)
ROOM_ID = "room-reliability-0001"

# Environment variables never passed on: they could change where requests go or which credentials are used.
SCRUBBED_PREFIXES = ("HW_", "HUAWEICLOUD_", "ANSIBLE_", "RELIABILITY_", "OS_")
SCRUBBED_NAMES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
                  "SSL_CERT_FILE", "SSL_CERT_DIR", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")

OMIT = object()


class CallBook(object):
    """Calls and retries seen by each test, keyed by test id; filled by Lab.absorb."""

    def __init__(self):
        self.current = None
        self.entries = {}
        self._lock = threading.Lock()

    def begin(self, nodeid):
        with self._lock:
            self.current = nodeid
            self.entries.setdefault(nodeid, dict(calls=0, retries=0))

    def add(self, calls):
        with self._lock:
            if self.current is None:
                return
            entry = self.entries.setdefault(self.current, dict(calls=0, retries=0))
            entry["calls"] += len(calls)
            entry["retries"] += count_retries(calls)


BOOK = CallBook()


def retry_trigger(call):
    """Whether the client is expected to send this call again: the answer was lost or retryable."""
    status = call.get("status")
    if status is None or status == 429 or status >= 500:
        return True
    if call.get("fault") in ("truncated", "latency", "reset"):
        return True
    return status == 401 and call.get("auth_error") == "token expired"


def count_retries(calls):
    """Retries of a case: for each method and path, the attempts whose answer was lost or retryable (no answer,
    429, 5xx, a truncated body, a latency fault, or an expired token), at most one less than its calls.

    Counting by method and path rather than by order keeps a call that was abandoned at its timeout, and
    logged only when the emulator finished it after the retry, counted as the retry it caused.
    """
    by_key = {}
    for call in calls:
        key = (call.get("method"), call.get("path"))
        total, triggers = by_key.get(key, (0, 0))
        by_key[key] = (total + 1, triggers + (1 if retry_trigger(call) else 0))
    return sum(min(triggers, total - 1) for total, triggers in by_key.values())


def job_spec(job_id, room_id=ROOM_ID, state="PROCESSING", project_id=PROJECT_ID, **extra):
    spec = dict(project_id=project_id, room_id=room_id, job_id=job_id, state=state)
    spec.update(extra)
    return spec


class Lab(object):
    """One emulator on 127.0.0.1 and what a test needs from it."""

    def __init__(self, tls=False, cert_dir=None):
        self.emulator = Emulator(tls=tls, cert_dir=cert_dir).start()
        self.prepare()

    @property
    def url(self):
        return self.emulator.url

    @property
    def ca_cert(self):
        return self.emulator.ca_cert

    def prepare(self, jobs=(), behaviour=None, faults=(), tokens=(), credentials=()):
        """Count the calls so far, forget everything, then seed the suite's identities and ``jobs``."""
        self.absorb()
        self.emulator.reset()
        self.emulator.seed({
            "projects": [{"project_id": PROJECT_ID, "name": "cn-north-4"},
                         {"project_id": OTHER_PROJECT_ID, "name": "cn-east-3"}],
            "credentials": [{"access_key": ACCESS_KEY, "secret_key": SECRET_KEY},
                            {"access_key": TEMP_ACCESS_KEY, "secret_key": TEMP_SECRET_KEY,
                             "security_token": SECURITY_TOKEN, "expires_in": 3600}] + list(credentials),
            "users": [{"domain_name": IAM_DOMAIN, "name": IAM_USER, "password": IAM_PASSWORD, "project_ids": [PROJECT_ID]}],
            "tokens": [{"token": AUTH_TOKEN, "project_id": PROJECT_ID, "expires_in": 3600}] + list(tokens),
        })
        if jobs:
            self.emulator.seed({"jobs": list(jobs)})
        if behaviour:
            self.emulator.update_behaviour(behaviour)
        for fault in faults:
            self.emulator.add_fault(fault)

    def add_fault(self, **spec):
        return self.emulator.add_fault(spec)

    def calls(self, operation=None):
        found = self.emulator.calls.since(0)
        return [call for call in found if operation is None or call["operation"] == operation]

    def stop_effects(self, job_id=None):
        """Calls that moved a running job to stopping or ended (optionally of one job)."""
        return [call for call in self.calls("StopSmartLive")
                if call["effect"] == "stopped" and (job_id is None or call["job_id"] == job_id)]

    def job(self, job_id):
        return self.emulator.raw_job(job_id)

    def jobs(self):
        return dict((job["job_id"], job) for job in self.emulator.raw_jobs())

    def job_secrets(self):
        """The RTC user signatures and callback keys the API returns with the jobs (the module redacts them)."""
        found = []
        for job in self.emulator.raw_jobs():
            for user in (job.get("rtc_room_info") or {}).get("users") or []:
                found.append(user.get("signature"))
            found.append((job.get("live_event_callback_config") or {}).get("key"))
        return [value for value in found if value]

    def issued_tokens(self):
        """Every token the emulator knows, including those issued by its IAM call."""
        with self.emulator.store.lock:
            return list(self.emulator.store.tokens)

    def wait_for_calls(self, predicate, seconds=15.0):
        """Poll the call log until ``predicate(calls)`` holds or ``seconds`` pass; return the calls."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.calls()
            if predicate(found) or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def absorb(self):
        """Add the logged calls to the figures of the running test and clear the log."""
        BOOK.add(self.emulator.calls.since(0))
        self.emulator.calls.clear()

    def close(self):
        self.absorb()
        self.emulator.stop()


def clean_env(extra=None, netguard_log=None):
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(SCRUBBED_PREFIXES) and name not in SCRUBBED_NAMES
               and name.lower() not in SCRUBBED_NAMES)
    env["NO_PROXY"] = "*"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if netguard_log:
        env["RELIABILITY_NETGUARD_LOG"] = netguard_log
    env.update(extra or {})
    return env


def collections_path(base):
    """A collections path whose ansible_collections/metastudio/cloud is this working tree."""
    namespace = os.path.join(base, "ansible_collections", "metastudio")
    if not os.path.isdir(namespace):
        os.makedirs(namespace)
    link = os.path.join(namespace, "cloud")
    if not os.path.islink(link):
        os.symlink(ROOT, link)
    return base


class ModuleRun(object):
    def __init__(self, args, returncode, stdout, stderr, seconds):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        try:
            self.result = json.loads(stdout)
        except ValueError:
            self.result = None
        if isinstance(self.result, dict):
            # Ansible adds failed=false to a registered success; the module itself prints it only on failure.
            self.result.setdefault("failed", False)

    @property
    def failed(self):
        return bool(self.result and self.result.get("failed"))

    @property
    def msg(self):
        return (self.result or {}).get("msg") or ""

    def describe(self):
        return "rc=%s seconds=%.2f\nstdout=%s\nstderr=%s" % (self.returncode, self.seconds, self.stdout[-3000:], self.stderr[-3000:])


def module_args(lab, **options):
    """Options of a module run against ``lab``: the suite's AK/SK and short timeouts, then ``options``.

    A value of OMIT removes the option.
    """
    args = dict(project_id=PROJECT_ID, endpoint=lab.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                timeout=5, retries=1, wait_sleep=0.2, wait_timeout=30)
    args.update(options)
    return dict((key, value) for key, value in args.items() if value is not OMIT)


def run_module(collections, args, timeout=120, env=None, module_path=MODULE_PATH):
    """Run the module file once with ``args`` (already complete) and return a ModuleRun."""
    descriptor, path = tempfile.mkstemp(prefix="reliability-args-", suffix=".json")
    try:
        with os.fdopen(descriptor, "w") as stream:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, stream)
        full_env = clean_env(env)
        full_env["PYTHONPATH"] = os.pathsep.join([NETGUARD, collections])
        started = time.monotonic()
        process = subprocess.run([PYTHON, module_path, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=full_env, timeout=timeout, check=False, cwd=tempfile.gettempdir())
        seconds = time.monotonic() - started
    finally:
        os.unlink(path)
    return ModuleRun(args, process.returncode, process.stdout.decode("utf-8", "replace"),
                     process.stderr.decode("utf-8", "replace"), seconds)


class PlaybookRun(object):
    def __init__(self, workdir, returncode, stdout, stderr, seconds):
        self.workdir = workdir
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.records = []
        path = os.path.join(workdir, "results.jsonl")
        if os.path.exists(path):
            with open(path) as stream:
                self.records = [json.loads(line) for line in stream if line.strip()]

    def record(self, task_name):
        found = [record for record in self.records if record["task"] == task_name]
        assert found, "no result for task %r; tasks with results: %s\n%s" % (
            task_name, [record["task"] for record in self.records], self.describe())
        return found[-1]

    def result(self, task_name):
        """The task's result as ``register`` keeps it (callbacks get ``failed`` as the status instead)."""
        record = self.record(task_name)
        result = dict(record["result"])
        result["failed"] = record["status"] == "failed"
        return result

    def describe(self):
        return "rc=%s seconds=%.2f\nstdout=%s\nstderr=%s" % (self.returncode, self.seconds, self.stdout[-4000:], self.stderr[-3000:])


def write_playbook(workdir, tasks, defaults=None, play_vars=None):
    """Write a one-play playbook (JSON is YAML) running ``tasks`` on localhost with the collection."""
    play_vars = dict(play_vars or {})
    play_vars.setdefault("ansible_python_interpreter", "{{ ansible_playbook_python }}")
    play = dict(name="reliability", hosts="localhost", connection="local", gather_facts=False, vars=play_vars,
                tasks=tasks)
    if defaults:
        play["module_defaults"] = {"group/metastudio.cloud.metastudio": defaults}
    path = os.path.join(workdir, "playbook.yml")
    with open(path, "w") as stream:
        json.dump([play], stream, indent=1)
    return path


class PlaybookProcess(object):
    """An ansible-playbook run in progress."""

    def __init__(self, workdir, collections, verbosity=0, debug=False, env=None):
        self.workdir = workdir
        self.stdout_path = os.path.join(workdir, "stdout.txt")
        self.stderr_path = os.path.join(workdir, "stderr.txt")
        extra = dict(
            ANSIBLE_COLLECTIONS_PATH=collections,
            ANSIBLE_CALLBACK_PLUGINS=CALLBACKS,
            ANSIBLE_CALLBACKS_ENABLED="reliability_results",
            RELIABILITY_RESULTS_FILE=os.path.join(workdir, "results.jsonl"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-local"),
            ANSIBLE_REMOTE_TMP=os.path.join(workdir, "ansible-remote"),
            ANSIBLE_DEBUG="1" if debug else "0",
            PYTHONPATH=NETGUARD,
        )
        extra.update(env or {})
        command = [ANSIBLE_PLAYBOOK, "-i", "localhost,", os.path.join(workdir, "playbook.yml")]
        if verbosity:
            command.append("-" + "v" * verbosity)
        self.started = time.monotonic()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            env=clean_env(extra), cwd=workdir)

    def wait(self, timeout=300):
        try:
            returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("ansible-playbook in %s did not finish within %s seconds" % (self.workdir, timeout))
        seconds = time.monotonic() - self.started
        with open(self.stdout_path, "rb") as out, open(self.stderr_path, "rb") as err:
            stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        return PlaybookRun(self.workdir, returncode, stdout, stderr, seconds)


def start_playbook(workdir, collections, tasks, defaults=None, play_vars=None, verbosity=0, debug=False, env=None):
    if not os.path.isdir(workdir):
        os.makedirs(workdir)
    write_playbook(workdir, tasks, defaults, play_vars)
    return PlaybookProcess(workdir, collections, verbosity=verbosity, debug=debug, env=env)


def run_together(workdir, collections, tasks_of_run, runs, defaults=None, timeout=400):
    """Start ``runs`` playbooks, the tasks of run N being ``tasks_of_run(N)``, that first say they are ready and
    then wait for one go signal, so that their tasks overlap; return their PlaybookRuns in order."""
    go = os.path.join(workdir, "go")
    processes = []
    for number in range(runs):
        tasks = [{"name": "ready", "ansible.builtin.file": dict(path=os.path.join(workdir, "ready-%02d" % number), state="touch")},
                 {"name": "wait for go", "timeout": 300, "ansible.builtin.command": dict(
                     argv=["/bin/sh", "-c", 'while [ ! -e "$1" ]; do sleep 0.05; done', "wait-for-go", go])}]
        processes.append(start_playbook(os.path.join(workdir, "run-%02d" % number), collections,
                                        tasks + list(tasks_of_run(number)), defaults=defaults))
    deadline = time.monotonic() + 300
    while len([name for name in os.listdir(workdir) if name.startswith("ready-")]) < runs and time.monotonic() < deadline:
        time.sleep(0.1)
    with open(go, "w") as stream:
        stream.write("go\n")
    return [process.wait(timeout=timeout) for process in processes]


def run_playbook(workdir, collections, tasks, defaults=None, play_vars=None, verbosity=0, debug=False, env=None,
                 timeout=300):
    return start_playbook(workdir, collections, tasks, defaults, play_vars, verbosity, debug, env).wait(timeout)


def lab_defaults(lab, **options):
    """module_defaults for the metastudio group: the lab's endpoint, the suite's AK/SK, short timeouts."""
    defaults = dict(endpoint=lab.url, project_id=PROJECT_ID, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                    timeout=5, retries=3, wait_sleep=0.2, wait_timeout=30)
    defaults.update(options)
    return dict((key, value) for key, value in defaults.items() if value is not OMIT)


def stop_task(name, ignore_errors=True, **options):
    """A metastudio_live_job task; OMIT drops an option (so that module_defaults apply)."""
    task = {"name": name, "metastudio.cloud.metastudio_live_job": dict(
        (key, value) for key, value in options.items() if value is not OMIT), "register": "result"}
    if ignore_errors:
        task["ignore_errors"] = True
    return task


def admin_task(name, lab, path, body=None, method="POST"):
    """A uri task that calls the emulator's admin interface from inside the playbook."""
    uri = dict(url=lab.url + "/_emulator/" + path, method=method, body_format="json", body=body or {})
    if lab.ca_cert:
        uri["ca_path"] = lab.ca_cert
    return {"name": name, "ansible.builtin.uri": uri}


def assert_no_traceback(*texts):
    for text in texts:
        if not isinstance(text, str):
            text = json.dumps(text, default=str)
        assert TRACEBACK not in text, "a traceback was printed:\n%s" % text[-4000:]


def assert_clean_result(result):
    """A module result that is JSON, with no traceback anywhere in it."""
    assert isinstance(result, dict), "the module printed no JSON result"
    assert TRACEBACK not in json.dumps(result, default=str), "the result holds a traceback: %s" % json.dumps(result, default=str)[-3000:]
    exception = result.get("exception")
    assert exception in (None, "(traceback unavailable)"), "unexpected exception in the result: %r" % exception
