# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input: property-based tests over option values, each example one run of the module file.

Every value is either refused with a clear message before any request (the emulator's call log stays
empty) or accepted and sent with every character encoded, so that the emulator saw exactly the expected
paths and nothing else. Values inside the documented ranges must be accepted.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import math
import os
import re
import string
import subprocess
import tempfile
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from harness import (ACCESS_KEY, AUTH_TOKEN, IAM_DOMAIN, IAM_PASSWORD, IAM_USER, MODULE_PATH, NETGUARD, OMIT, PROJECT_ID, PYTHON,
                     ROOM_ID, SECRET_KEY, SECURITY_TOKEN, TEMP_ACCESS_KEY, TEMP_SECRET_KEY, assert_clean_result,
                     assert_no_traceback, clean_env, job_spec, lab_defaults, module_args, run_module, run_playbook, stop_task)

JOB = "job-input-0001"
SAFE = string.ascii_letters + string.digits + "-_"
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
PROPERTY = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SMALL_PROPERTY = settings(PROPERTY, max_examples=25)

# Pieces that could change a URL or a header if they were not refused or encoded.
NASTY_PIECES = ["/", "..", "../", "?", "#", "%", "%2F", "%2e%2e", " ", "\t", "\n", "\r\n", "\x00", "\x1b", "\x7f", "+", "&",
                ";", "=", "@", ":", "\\", "\u00e9", "\u4e2d", "\U0001F600", "\u200b", "\uff0f", "\u2215", "\u0130", "\ufeff"]
valid_ids = st.text(alphabet=SAFE, min_size=1, max_size=128)
nasty_ids = st.one_of(
    st.builds(lambda head, piece, tail: head + piece + tail, st.text(alphabet=SAFE, max_size=12),
              st.sampled_from(NASTY_PIECES), st.text(alphabet=SAFE, max_size=12)),
    st.just(""),
    st.text(alphabet=SAFE, min_size=129, max_size=400),
    st.text(min_size=1, max_size=30),
)
any_ids = st.one_of(valid_ids, nasty_ids)


def refused_before_any_request(lab, run, *words):
    """The run was refused with a message naming one of ``words``, and nothing reached the emulator."""
    assert run.result["failed"] is True
    assert run.result.get("request_ids", []) == []
    assert lab.calls() == [], "a refused run sent %s" % [call["path"] for call in lab.calls()]
    assert any(word in run.msg for word in words), "unclear message: %r" % run.msg
    assert "Traceback" not in run.msg


def run_clean(lab, collections, args, env=None):
    run = run_module(collections, args, timeout=120, env=env)
    assert_no_traceback(run.stderr, run.stdout)
    assert_clean_result(run.result)
    return run


def job_path(project_id, room_id, job_id):
    return "/v1/%s/smart-live-rooms/%s/smart-live-jobs/%s" % tuple(quote(value, safe="") for value in (project_id, room_id, job_id))


def seed_if_possible(lab, jobs):
    """Seed the jobs whose ids the emulator takes; the module must refuse the others anyway."""
    lab.prepare()
    for job in jobs:
        if all(SAFE_ID.fullmatch(job[key]) for key in ("room_id", "job_id")):
            lab.emulator.seed({"jobs": [job]})


@PROPERTY
@given(room_id=any_ids, job_id=any_ids)
@example(room_id=ROOM_ID, job_id="a/b")
@example(room_id="r" * 128, job_id="j" * 128)
@example(room_id="..", job_id="job-1")
def test_room_and_job_ids(shared_lab, collections, room_id, job_id):
    lab = shared_lab
    seed_if_possible(lab, [job_spec(job_id, room_id=room_id)])
    run = run_clean(lab, collections, module_args(lab, room_id=room_id, job_id=job_id, retries=0))
    if run.result["failed"] and not lab.calls():
        event("refused")
        refused_before_any_request(lab, run, "room_id", "job_id")
        assert not (SAFE_ID.fullmatch(room_id) and SAFE_ID.fullmatch(job_id)), "a valid id was refused: %s" % run.msg
        return
    event("accepted")
    expected = job_path(PROJECT_ID, room_id, job_id)
    for call in lab.calls():
        assert call["path"] in (expected, expected + "/stop"), call["path"]
        assert (call["room_id"], call["job_id"]) == (room_id, job_id)
    assert run.result["changed"] is True and run.result["state"] == "SUCCEED"


@SMALL_PROPERTY
@given(project_id=any_ids)
@example(project_id="../" + PROJECT_ID)
def test_project_ids(shared_lab, collections, project_id):
    lab = shared_lab
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_clean(lab, collections, module_args(lab, project_id=project_id, room_id=ROOM_ID, job_id=JOB, retries=0))
    if run.result["failed"] and not lab.calls():
        refused_before_any_request(lab, run, "project_id")
        assert not SAFE_ID.fullmatch(project_id)
        return
    expected = job_path(project_id, ROOM_ID, JOB)
    for call in lab.calls():
        assert call["path"] in (expected, expected + "/stop")
        assert call["project_id"] == project_id
    # Our key is for every project, but the job lives in PROJECT_ID only.
    assert run.result["changed"] is (project_id == PROJECT_ID)


@SMALL_PROPERTY
@given(pairs=st.lists(st.tuples(any_ids, any_ids), min_size=1, max_size=4))
def test_ids_in_a_job_list(shared_lab, collections, pairs):
    lab = shared_lab
    jobs = [job_spec(job_id, room_id=room_id) for room_id, job_id in pairs]
    seed_if_possible(lab, jobs)
    targets = [dict(room_id=room_id, job_id=job_id) for room_id, job_id in pairs]
    run = run_clean(lab, collections, module_args(lab, jobs=targets, retries=0))
    if run.result["failed"] and not lab.calls():
        refused_before_any_request(lab, run, "jobs[")
        assert not all(SAFE_ID.fullmatch(room) and SAFE_ID.fullmatch(job) for room, job in pairs)
        return
    rooms = set(room for room, dummy in pairs)
    allowed = set()
    for room_id, job_id in pairs:
        allowed.update([job_path(PROJECT_ID, room_id, job_id), job_path(PROJECT_ID, room_id, job_id) + "/stop"])
    allowed.update("/v1/%s/smart-live-rooms/%s/smart-live-jobs" % (PROJECT_ID, quote(room, safe="")) for room in rooms)
    assert set(call["path"] for call in lab.calls()) <= allowed
    assert sorted(run.result["stopped"]) == sorted(set(job for dummy, job in pairs))


MALFORMED_LISTS = st.one_of(
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=2),
                       st.fixed_dictionaries({"room_id": st.just(ROOM_ID)}), st.fixed_dictionaries({"job_id": st.just(JOB)}),
                       st.fixed_dictionaries({"room_id": st.one_of(st.none(), st.integers(), st.just("")), "job_id": st.just(JOB)})),
             min_size=1, max_size=3),
    st.sampled_from(["not a list", 42, {"room_id": ROOM_ID}]),
)


@SMALL_PROPERTY
@given(jobs=MALFORMED_LISTS)
def test_malformed_job_lists(shared_lab, collections, jobs):
    lab = shared_lab
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_clean(lab, collections, module_args(lab, jobs=jobs))
    refused_before_any_request(lab, run, "jobs")
    assert lab.job(JOB)["state"] == "PROCESSING"


@pytest.mark.parametrize("options, words", [
    pytest.param(dict(job_id=JOB), ("room_id",), id="job-without-room"),
    pytest.param(dict(room_id=ROOM_ID, job_id=JOB, jobs=[dict(room_id=ROOM_ID, job_id=JOB)]), ("jobs",), id="job-and-jobs"),
    pytest.param(dict(), ("room_id", "jobs"), id="nothing-to-stop"),
    pytest.param(dict(room_id=ROOM_ID, job_id=JOB, state="running"), ("state",), id="unknown-state"),
    pytest.param(dict(room_id=ROOM_ID, job_id=JOB, unknown_option=1), ("unknown_option",), id="unknown-option"),
])
def test_conflicting_targets(lab, collections, options, words):
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_clean(lab, collections, module_args(lab, **options))
    refused_before_any_request(lab, run, *words)


ENDPOINT_PARTS = ("scheme", "userinfo", "host", "port", "path")
ENDPOINT_VARIANTS = dict(
    scheme=["HTTP://", "https://", "", "ftp://", "http:/", "http:", "//", "file://", "http:///", "javascript:"],
    userinfo=["user@", "user:password@", ":@", "127.0.0.1@"],
    host=["localhost", "[::1]", "", " ", "127.0.0.1 ", "127.1", "[::ffff:127.0.0.1]", "127.0.0.1%00", "127.0.0.1\t"],
    port=["", ":0", ":99999", ":-1", ":abc", ":", ":{port}:{port}", ":+{port}", ": {port}"],
    path=["/", "/v1", "/v1/", "/x/../", "?a=b", "#frag", "/?", "/#", "\t", "\n/v1", "/%2e%2e/"],
)


@st.composite
def endpoint_strings(draw, port):
    """The emulator's URL with zero, one or two of its parts replaced by an odd variant."""
    parts = dict(scheme="http://", userinfo="", host="127.0.0.1", port=":%d" % port, path="")
    for name in draw(st.lists(st.sampled_from(ENDPOINT_PARTS), max_size=2, unique=True)):
        parts[name] = draw(st.sampled_from(ENDPOINT_VARIANTS[name])).replace("{port}", str(port))
    return "".join(parts[name] for name in ENDPOINT_PARTS)


@PROPERTY
@given(data=st.data())
def test_endpoints(shared_lab, collections, data):
    lab = shared_lab
    port = lab.emulator.port
    endpoint = data.draw(endpoint_strings(port), label="endpoint")
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_clean(lab, collections, module_args(lab, endpoint=endpoint, room_id=ROOM_ID, job_id=JOB, retries=0, timeout=3))
    expected = job_path(PROJECT_ID, ROOM_ID, JOB)
    if run.result["failed"] and not lab.calls() and run.result.get("request_ids") == [] and "endpoint" in run.msg:
        event("refused")
        refused_before_any_request(lab, run, "endpoint")
        assert endpoint.lower() not in ("http://127.0.0.1:%d" % port, "http://localhost:%d" % port)
        return
    event("accepted, %s" % ("stopped" if not run.result["failed"] else "failed"))
    assert "@" not in endpoint.split("//", 1)[-1].split("/", 1)[0], "an endpoint with userinfo was accepted"
    for call in lab.calls():
        assert call["path"] in (expected, expected + "/stop"), call["path"]
    if run.result["failed"]:
        assert run.msg and run.result["changed"] is False
    else:
        assert run.result["changed"] is True


@pytest.mark.parametrize("endpoint", ["http://[::1", "http://[127.0.0.1]:80", "https://127.0.0.1]:443", "http://user@[::1"])
def test_endpoint_with_broken_brackets_is_refused(lab, collections, endpoint):
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_module(collections, module_args(lab, endpoint=endpoint, room_id=ROOM_ID, job_id=JOB, retries=0))
    assert_no_traceback(run.stderr)
    assert run.result is not None
    refused_before_any_request(lab, run, "endpoint")


def guard_is_active():
    probe = "import socket, sys; sys.exit(0 if socket.getaddrinfo.__name__ == 'guarded_getaddrinfo' else 3)"
    env = clean_env()
    env["PYTHONPATH"] = NETGUARD
    return subprocess.run([PYTHON, "-c", probe], env=env, check=False).returncode == 0


valid_regions = st.from_regex(r"[a-z]{2,6}(-[a-z0-9]{1,8}){1,3}", fullmatch=True)
odd_regions = st.one_of(
    st.sampled_from(["", "CN-NORTH-4", "cn_north_4", "cn-north-4.example.org", "cn-north-4/..", "cn-north-4@127.0.0.1",
                     "cn-north-4:443", " cn-north-4", "cn-north-4\n", "cn-north-4#", "cn-north-4?x=1", "x", "cn",
                     "eu-west-101", "eu-west-1", "ap-southeast-1", "a" * 300, "cn-north-4-a-b-c-d", "\u0441n-north-4"]),
    st.text(max_size=24),
)


@PROPERTY
@given(region=st.one_of(valid_regions, odd_regions))
@example(region="cn-north-4")
@example(region="")
def test_regions(shared_lab, collections, tmp_path_factory, region):
    """Accepted regions target exactly metastudio.<region>.<domain>; the guard stops the connection."""
    if not guard_is_active():
        pytest.skip("the network guard is not active: region tests would reach the Internet")
    lab = shared_lab
    lab.prepare()
    descriptor, log = tempfile.mkstemp(prefix="netguard-", suffix=".log", dir=str(tmp_path_factory.getbasetemp()))
    os.close(descriptor)
    args = module_args(lab, endpoint=OMIT, region=region, room_id=ROOM_ID, job_id=JOB, retries=0, timeout=3)
    run = run_module(collections, args, env={"RELIABILITY_NETGUARD_LOG": log})
    assert_no_traceback(run.stderr, run.stdout)
    assert_clean_result(run.result)
    with open(log) as stream:
        lines = stream.read().splitlines()
    os.unlink(log)
    assert any(line.startswith("loaded ") for line in lines)
    blocked = set(line.split(" ", 2)[2] for line in lines if line.startswith("blocked "))
    assert lab.calls() == []
    assert run.result["failed"] is True
    if not blocked:
        event("refused")
        assert "region" in run.msg and run.result["request_ids"] == []
        return
    event("accepted")
    effective = region or "cn-north-4"
    domain = "myhuaweicloud.eu" if effective.startswith("eu-west-1") else "myhuaweicloud.com"
    assert blocked == set([repr("metastudio.%s.%s" % (effective, domain))])
    assert "https://metastudio.%s.%s" % (effective, domain) in run.msg


def in_range(value, low, high, low_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return (low < value if low_open else low <= value) and (high is None or value <= high)


# option: (strategy, is the value inside the documented range?)
NUMBERS = {
    "timeout": (st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, -1, 1e-9, 0.001, 3600, 3600.001])),
                lambda value: in_range(value, 0, 3600, low_open=True)),
    "retries": (st.one_of(st.integers(-10 ** 20, 10 ** 20), st.integers(-2, 102)), lambda value: in_range(value, 0, 100)),
    "wait_timeout": (st.one_of(st.integers(-10 ** 20, 10 ** 20), st.sampled_from([-1, 0, 1, 604800, 604801])),
                     lambda value: in_range(value, 0, 604800)),
    "wait_sleep": (st.one_of(st.floats(allow_nan=False, allow_infinity=True), st.sampled_from([0, -0.5, 1e-9])),
                   lambda value: in_range(value, 0, None, low_open=True)),
    "concurrency": (st.one_of(st.integers(-10 ** 20, 10 ** 20), st.integers(-1, 102)), lambda value: in_range(value, 1, 100)),
    "rate_limit": (st.one_of(st.sampled_from([0, -1, -1e-3, 0.05, 0.1, 10000, 10000.5, 1e300, float("nan"), float("inf")]),
                             st.floats(min_value=1, max_value=20000)),
                   lambda value: True if value == 0 and not isinstance(value, bool) else in_range(value, 0.1, 10000)),
}
ODD_VALUES = st.sampled_from(["abc", "", "1e400", "-", [1], {"a": 1}, None])
NUMBER_PROPERTY = settings(PROPERTY, max_examples=12)


@pytest.mark.parametrize("name", sorted(NUMBERS))
@NUMBER_PROPERTY
@given(data=st.data())
def test_numbers(shared_lab, collections, name, data):
    lab = shared_lab
    strategy, documented = NUMBERS[name]
    value = data.draw(st.one_of(strategy, ODD_VALUES), label="value")
    lab.prepare(jobs=[job_spec(JOB)])
    options = dict(room_id=ROOM_ID, job_id=JOB, retries=1, timeout=5)
    options[name] = value
    run = run_clean(lab, collections, module_args(lab, **options))
    inside = documented(value)
    if run.result["failed"] and not lab.calls():
        event("refused")
        refused_before_any_request(lab, run, name)
        assert inside is not True, "%s=%r is in the documented range but was refused: %s" % (name, value, run.msg)
        return
    event("accepted")
    assert inside is not False, "%s=%r is outside the documented range but was accepted" % (name, value)
    if name == "timeout" and value < 1 and run.result["failed"]:
        # A timeout too short for the emulator to meet: a clean failure within the bound, after the one retry.
        assert "within the timeout" in run.msg
        # Bounded, with room for a loaded machine's module start: an unbounded wait would not end at all.
        assert run.seconds < value * 2 + 0.5 + 25
        assert run.result["changed"] or not lab.stop_effects(JOB)
        return
    assert run.result["failed"] is False, run.msg
    assert run.result["changed"] is True and run.result["state"] == "SUCCEED"
    assert len(lab.stop_effects(JOB)) == 1


@pytest.mark.parametrize("wait_sleep", [1e-6, 1e9, float("inf")])
def test_wait_sleep_extremes_stay_within_wait_timeout(lab, collections, wait_sleep):
    """Odd but valid wait_sleep values: the wait still ends by wait_timeout, with the job seen ended."""
    lab.prepare(jobs=[job_spec(JOB)], behaviour=dict(stop_delay_seconds=0.5))
    run = run_clean(lab, collections, module_args(lab, room_id=ROOM_ID, job_id=JOB, wait_sleep=wait_sleep, wait_timeout=2))
    print("wait_sleep=%r: %.2f s, %d calls" % (wait_sleep, run.seconds, len(lab.calls())))
    # wait_timeout (2 s) bounds the wait, with room for a loaded machine: 1e9 s of sleep would not end at all.
    assert run.seconds < 2 + 5 + 25
    assert run.result["changed"] is True and run.result["state"] == "SUCCEED"


def test_wait_sleep_nan_is_refused(lab, collections):
    lab.prepare(jobs=[job_spec(JOB)], behaviour=dict(stop_delay_seconds=1))
    run = run_module(collections, module_args(lab, room_id=ROOM_ID, job_id=JOB, wait_sleep=float("nan")))
    assert_no_traceback(run.stderr)
    assert run.result is not None
    refused_before_any_request(lab, run, "wait_sleep")


@pytest.mark.parametrize("wait_timeout", [10 ** 400, "1e400"])
def test_huge_wait_timeout_is_refused_or_honoured(lab, collections, wait_timeout):
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_module(collections, module_args(lab, room_id=ROOM_ID, job_id=JOB, wait_timeout=wait_timeout))
    assert_no_traceback(run.stderr)
    assert run.result is not None
    if run.result["failed"]:
        refused_before_any_request(lab, run, "wait_timeout")
    else:
        assert run.result["changed"] is True and run.result["state"] == "SUCCEED"


@pytest.mark.parametrize("rate_limit", [1e-12, 1e-300])
def test_tiny_rate_limit_is_refused(lab, collections, rate_limit):
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_module(collections, module_args(lab, room_id=ROOM_ID, job_id=JOB, rate_limit=rate_limit), timeout=60)
    assert_no_traceback(run.stderr)
    assert run.result is not None
    refused_before_any_request(lab, run, "rate_limit")


AUTH_VALUES = dict(
    access_key=st.sampled_from([OMIT, ACCESS_KEY, TEMP_ACCESS_KEY, ""]),
    secret_key=st.sampled_from([OMIT, "secret", ""]),
    security_token=st.sampled_from([OMIT, SECURITY_TOKEN, ""]),
    auth_token=st.sampled_from([OMIT, AUTH_TOKEN, ""]),
    iam_username=st.sampled_from([OMIT, IAM_USER, ""]),
    iam_password=st.sampled_from([OMIT, IAM_PASSWORD, ""]),
    iam_domain_name=st.sampled_from([OMIT, IAM_DOMAIN, ""]),
)
AUTH_METHODS = {
    "keys": dict(access_key=ACCESS_KEY, secret_key="secret"),
    "temporary keys": dict(access_key=TEMP_ACCESS_KEY, secret_key="secret", security_token=SECURITY_TOKEN),
    "token": dict(auth_token=AUTH_TOKEN),
    "iam": dict(iam_username=IAM_USER, iam_password=IAM_PASSWORD, iam_domain_name=IAM_DOMAIN),
    "none": {},
}


@st.composite
def auth_options(draw):
    """One method (or none), then zero to two options set to another value, added or removed."""
    options = dict.fromkeys(AUTH_VALUES, OMIT)
    options.update(AUTH_METHODS[draw(st.sampled_from(sorted(AUTH_METHODS)))])
    for name in draw(st.lists(st.sampled_from(sorted(AUTH_VALUES)), max_size=2, unique=True)):
        options[name] = draw(AUTH_VALUES[name])
    return options


def given_value(options, name):
    value = options.get(name, OMIT)
    return value is not OMIT and value != ""


@SMALL_PROPERTY
@given(options=auth_options())
def test_auth_combinations(shared_lab, collections, options):
    """Exactly one complete method is used; anything else is refused before any request."""
    lab = shared_lab
    lab.prepare(jobs=[job_spec(JOB)])
    options = dict(options)
    if options["secret_key"] == "secret":
        # The secret that matches the access key drawn (temporary keys with the temporary secret).
        options["secret_key"] = TEMP_SECRET_KEY if options["access_key"] == TEMP_ACCESS_KEY else SECRET_KEY
    keys = given_value(options, "access_key") or given_value(options, "secret_key")
    token = given_value(options, "auth_token")
    # The account name alone does not choose IAM login (see test_domain_name_alone_does_not_choose_iam).
    iam = any(given_value(options, name) for name in ("iam_username", "iam_password"))
    complete = dict(
        keys=given_value(options, "access_key") and given_value(options, "secret_key"),
        token=token,
        iam=all(given_value(options, name) for name in ("iam_username", "iam_password", "iam_domain_name")),
    )
    valid = (keys + token + iam == 1 and complete["keys" if keys else "token" if token else "iam"]
             and not (given_value(options, "security_token") and not keys))
    args = module_args(lab, room_id=ROOM_ID, job_id=JOB, iam_endpoint=lab.url, **options)
    run = run_clean(lab, collections, args)
    if not valid:
        event("refused")
        refused_before_any_request(lab, run, "access_key", "secret_key", "security_token", "auth_token", "iam_", "credentials",
                                   "authentication")
        return
    event("accepted")
    used = set(call["auth"] for call in lab.calls() if call["operation"] != "KeystoneCreateUserTokenByPassword")
    assert used == set(["aksk" if keys else "token"])
    temporary = options["access_key"] == TEMP_ACCESS_KEY
    if keys and temporary and not given_value(options, "security_token"):
        # Temporary keys without their security token: the gateway refuses them, and nothing is retried.
        assert (run.result["status_code"], run.result["error_code"]) == (401, "APIG.0301")
        assert len(lab.calls()) == 1
        return
    if keys and not temporary and given_value(options, "security_token") and run.result["failed"]:
        # Permanent keys with a stray security token: a gateway may refuse them (the emulator accepts them);
        # either way the refusal is clean and not retried.
        assert (run.result["status_code"], run.result["error_code"]) == (401, "APIG.0301")
        assert len(lab.calls()) == 1
        return
    assert run.result["failed"] is False, run.msg
    assert run.result["changed"] is True


def test_domain_name_alone_does_not_choose_iam(lab, collections):
    """A lone HW_DOMAIN_NAME (as Terraform users often export) beside access keys leaves the keys in use."""
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_clean(lab, collections, module_args(lab, room_id=ROOM_ID, job_id=JOB), env={"HW_DOMAIN_NAME": IAM_DOMAIN})
    assert run.result["failed"] is False, run.msg
    assert run.result["changed"] is True
    assert {call["auth"] for call in lab.calls()} == {"aksk"}


@SMALL_PROPERTY
@given(app_user_id=st.one_of(st.text(alphabet=string.printable, min_size=0, max_size=40), st.text(max_size=20),
                             st.sampled_from(["user-1", " user", "user ", "a\r\nX-Injected: 1", "\u00e9l\u00e8ve", "\x00"])))
def test_app_user_ids(shared_lab, collections, app_user_id):
    lab = shared_lab
    lab.prepare(jobs=[job_spec(JOB)])
    run = run_clean(lab, collections, module_args(lab, room_id=ROOM_ID, job_id=JOB, app_user_id=app_user_id, retries=0))
    if run.result["failed"] and not lab.calls():
        refused_before_any_request(lab, run, "app_user_id")
        assert not (app_user_id and app_user_id == app_user_id.strip() and all(32 <= ord(char) <= 126 for char in app_user_id))
        return
    sent = set(call["headers"].get("X-App-UserId") for call in lab.calls())
    assert sent == set([app_user_id or None])
    assert all("X-Injected" not in call["headers"] for call in lab.calls())
    assert run.result["changed"] is True


with open(MODULE_PATH) as module_file:
    ROOMS_SUPPORTED = "\n  rooms:\n" in module_file.read()


@pytest.mark.skipif(not ROOMS_SUPPORTED, reason="this version of the module has no rooms option")
@SMALL_PROPERTY
@given(name=st.one_of(st.text(min_size=1, max_size=30), st.sampled_from(NASTY_PIECES)), data=st.data())
def test_rooms_by_id_or_name(shared_lab, collections, name, data):
    """Rooms given by id or exact name, odd names included: only their running jobs are stopped, from one listing."""
    lab = shared_lab
    lab.prepare()
    lab.emulator.seed({"rooms": [dict(project_id=PROJECT_ID, room_id="room-named-1", room_name=name),
                                 dict(project_id=PROJECT_ID, room_id="room-other", room_name="the other room")],
                       "jobs": [job_spec("job-named-1", room_id="room-named-1"), job_spec("job-named-2", room_id="room-named-1"),
                                job_spec("job-other-1", room_id="room-other")]})
    entries = data.draw(st.lists(st.sampled_from([name, "room-named-1", "room-other", "the other room", "no-such-room", "", " ",
                                                  "../room-other", name + "/", name.upper()]), min_size=1, max_size=3), label="rooms")
    run = run_clean(lab, collections, module_args(lab, rooms=entries, retries=0))
    if run.result["failed"] and not lab.calls():
        refused_before_any_request(lab, run, "rooms")
        assert any(not entry.strip() for entry in entries)
        return
    chosen = set()
    if name in entries or "room-named-1" in entries:
        chosen.update(["job-named-1", "job-named-2"])
    if "room-other" in entries or "the other room" in entries:
        chosen.add("job-other-1")
    matched = set(["room-named-1", name]) if "job-named-1" in chosen else set()
    if "job-other-1" in chosen:
        matched.update(["room-other", "the other room"])
    unmatched = [entry for entry in dict.fromkeys(entries) if entry not in matched]
    # The rooms are listed only to tell an idle room from a room that does not exist.
    allowed = set(["/v1/%s/smart-live-jobs" % PROJECT_ID] + (["/v1/%s/smart-live-rooms" % PROJECT_ID] if unmatched else []))
    for job_id in chosen:
        room_id = "room-other" if job_id == "job-other-1" else "room-named-1"
        allowed.update([job_path(PROJECT_ID, room_id, job_id), job_path(PROJECT_ID, room_id, job_id) + "/stop"])
    assert set(call["path"] for call in lab.calls()) <= allowed
    assert sorted(run.result["stopped"]) == sorted(chosen)
    assert sorted(call["job_id"] for call in lab.stop_effects()) == sorted(chosen)
    existing = set([name, "room-named-1", "room-other", "the other room"])
    assert run.result["idle_rooms"] == [entry for entry in unmatched if entry in existing]
    assert run.result["unknown_rooms"] == [entry for entry in unmatched if entry not in existing]
    assert run.result["failed"] is bool(run.result["unknown_rooms"])


def test_region_through_ansible_playbook_stays_on_this_machine(lab, workdir, collections):
    """The network guard also holds in modules that ansible-playbook runs: a real region's host is refused."""
    log = os.path.join(workdir, "netguard.log")
    task = stop_task("stop", room_id=ROOM_ID, job_id=JOB, region="ap-southeast-1", retries=0)
    run = run_playbook(workdir, collections, [task], defaults=lab_defaults(lab, endpoint=OMIT),
                       env={"RELIABILITY_NETGUARD_LOG": log})
    result = run.result("stop")
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(result)
    with open(log) as stream:
        blocked = [line.split(" ", 2)[2] for line in stream.read().splitlines() if line.startswith("blocked ")]
    assert blocked and set(blocked) == set([repr("metastudio.ap-southeast-1.myhuaweicloud.com")])
    assert result["failed"] is True and "https://metastudio.ap-southeast-1.myhuaweicloud.com" in result["msg"]
    assert lab.calls() == []
