# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults: metastudio_live_job through ansible-playbook against an emulator that misbehaves on purpose.

Each case ends in the right result (``changed`` true exactly when our stop ended the job, checked against
the emulator's call log and job state) or in a clean failure naming the HTTP status, the error_code and
the request id; never a traceback, a hang past the configured timeouts, or a wrong ``changed``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading

import pytest

from harness import (AUTH_TOKEN, IAM_DOMAIN, IAM_PASSWORD, IAM_USER, OMIT, PROJECT_ID, ROOM_ID, admin_task, assert_clean_result,
                     assert_no_traceback, job_spec, lab_defaults, run_playbook, stop_task)

JOB = "job-fault-0001"
ENDED = ("SUCCEED", "CANCELED", "FAILED", "BLOCKED")
THROTTLED = dict(kind="status", status=429, error_code="APIG.0308",
                 error_msg="The throttling threshold has been reached: policy user over ratelimit, limit:5, time:1 second")
# What the emulator answers for each injected status (its gateway's defaults).
STATUS_CODES = {429: "APIG.0308", 500: "MSS.00000004", 502: "APIG.0202", 503: "APIG.0204", 504: "APIG.0201"}
TOKEN_AUTH = dict(access_key=OMIT, secret_key=OMIT, auth_token=AUTH_TOKEN)
IAM_AUTH = dict(access_key=OMIT, secret_key=OMIT, iam_username=IAM_USER, iam_password=IAM_PASSWORD,
                iam_domain_name=IAM_DOMAIN)


def stop_one(lab, workdir, collections, behaviour=None, faults=(), defaults=None, **options):
    """Seed JOB running, inject ``faults``, stop JOB in one task; return (run, result)."""
    lab.prepare(jobs=[job_spec(JOB)], behaviour=behaviour, faults=faults)
    run = run_playbook(workdir, collections, [stop_task("stop", room_id=ROOM_ID, job_id=JOB, **options)],
                       defaults=lab_defaults(lab, **(defaults or {})))
    result = run.result("stop")
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(result)
    return run, result


def logged_ids(lab):
    return [call["request_id"] for call in lab.calls()]


def assert_ids_in_order(result, lab):
    """Every request id the task returns was logged by the emulator, in the same order."""
    logged = logged_ids(lab)
    positions = [logged.index(request_id) for request_id in result["request_ids"]]
    assert positions == sorted(positions), (result["request_ids"], logged)


def assert_stopped_by_us(lab, result, job_id=JOB):
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    effects = lab.stop_effects(job_id)
    assert len(effects) == 1, "expected exactly one stop that took effect, got %s" % effects
    job = lab.job(job_id)
    assert job["state"] in ENDED
    assert result["state"] == job["state"]
    assert_ids_in_order(result, lab)


def statuses(lab, operation):
    return [call["status"] for call in lab.calls(operation)]


RECOVERED = [
    pytest.param("ShowSmartLive", dict(THROTTLED, count=3), id="read-429-burst"),
    pytest.param("StopSmartLive", dict(THROTTLED, count=3), id="stop-429-burst"),
    pytest.param("ShowSmartLive", dict(kind="status", status=500, count=2), id="read-500"),
    pytest.param("ShowSmartLive", dict(kind="status", status=502, count=2), id="read-502"),
    pytest.param("ShowSmartLive", dict(kind="status", status=503, count=2), id="read-503"),
    pytest.param("ShowSmartLive", dict(kind="status", status=504, count=2), id="read-504"),
    pytest.param("StopSmartLive", dict(kind="status", status=500, count=2), id="stop-500"),
    pytest.param("StopSmartLive", dict(kind="status", status=502, count=2), id="stop-502"),
    pytest.param("StopSmartLive", dict(kind="status", status=503, count=2), id="stop-503"),
    pytest.param("StopSmartLive", dict(kind="status", status=504, count=2), id="stop-504"),
    pytest.param("ShowSmartLive", dict(kind="reset", count=2), id="read-reset"),
    pytest.param("StopSmartLive", dict(kind="reset", count=2), id="stop-reset"),
    pytest.param("ShowSmartLive", dict(kind="html", status=502, count=2), id="read-html"),
    pytest.param("StopSmartLive", dict(kind="html", status=503, count=2), id="stop-html"),
    pytest.param("ShowSmartLive", dict(kind="truncated", count=2), id="read-truncated"),
    pytest.param("StopSmartLive", dict(kind="truncated", count=2), id="stop-truncated"),
]


@pytest.mark.parametrize("operation, fault", RECOVERED)
def test_fault_retried_to_success(lab, workdir, collections, operation, fault):
    """Fewer faults than retries: the task succeeds, and the job was stopped by exactly one POST."""
    run, result = stop_one(lab, workdir, collections, faults=[dict(fault, operation=operation)], retries=3, timeout=3)
    assert run.returncode == 0, run.describe()
    assert_stopped_by_us(lab, result)
    attempts = lab.calls(operation)[:fault["count"] + 1]
    assert [call["fault"] for call in attempts] == [fault["kind"]] * fault["count"] + [None]
    assert attempts[-1]["status"] == 200
    if operation == "StopSmartLive":
        assert result["request_id"] == attempts[-1]["request_id"]


@pytest.mark.parametrize("operation", ["ShowSmartLive", "StopSmartLive"])
def test_answer_slower_than_timeout_is_retried(lab, workdir, collections, operation):
    """A call answered after ``timeout`` is abandoned and sent again; a late stop does not count twice."""
    fault = dict(operation=operation, kind="latency", latency_ms=3000, count=1)
    run, result = stop_one(lab, workdir, collections, faults=[fault], retries=2, timeout=1)
    assert run.returncode == 0, run.describe()
    # The abandoned call is still handled by the emulator after its delay; wait for it before counting.
    lab.wait_for_calls(lambda calls: any(call["fault"] == "latency" for call in calls), 10)
    assert_stopped_by_us(lab, result)
    slow = [call for call in lab.calls(operation) if call["fault"] == "latency"]
    assert len(slow) == 1 and len(lab.calls(operation)) >= 2
    assert slow[0]["request_id"] not in result["request_ids"], "the abandoned answer was used"


EXHAUSTED_READS = [
    pytest.param(dict(THROTTLED, count=20), 429, id="429"),
    pytest.param(dict(kind="status", status=500, count=20), 500, id="500"),
    pytest.param(dict(kind="status", status=502, count=20), 502, id="502"),
    pytest.param(dict(kind="status", status=503, count=20), 503, id="503"),
    pytest.param(dict(kind="status", status=504, count=20), 504, id="504"),
    pytest.param(dict(kind="html", status=502, count=20), 502, id="html"),
    pytest.param(dict(kind="reset", count=20), None, id="reset"),
    pytest.param(dict(kind="truncated", count=20), None, id="truncated"),
]


@pytest.mark.parametrize("fault, status", EXHAUSTED_READS)
def test_read_fault_outlasting_retries_fails_cleanly(lab, workdir, collections, fault, status):
    """More faults than retries on the read: a clean failure, nothing stopped, the job still runs."""
    run, result = stop_one(lab, workdir, collections, faults=[dict(fault, operation="ShowSmartLive")], retries=2, timeout=3)
    assert result["failed"] is True and result["changed"] is False
    reads = lab.calls("ShowSmartLive")
    assert len(reads) == 3, "one call and two retries, got %d" % len(reads)
    assert lab.calls("StopSmartLive") == []
    assert lab.job(JOB)["state"] == "PROCESSING"
    assert "gave up after 2 retries" in result["msg"]
    assert result["status_code"] == status
    if status is None:
        assert "connection to %s failed" % lab.url in result["msg"]
        assert result["request_ids"] == []
    else:
        assert "HTTP %d" % status in result["msg"]
        assert result["request_id"] == reads[-1]["request_id"]
        assert result["request_ids"] == [call["request_id"] for call in reads]
    if fault["kind"] == "status":
        assert result["error_code"] == STATUS_CODES[status] and result["error_code"] in result["msg"]
    if fault["kind"] == "html":
        assert result["error_code"] is None
        assert "non-JSON response: 502 Bad Gateway" in result["msg"]


@pytest.mark.parametrize("fault, changed", [
    pytest.param(dict(THROTTLED, count=20), False, id="429"),
    pytest.param(dict(kind="status", status=503, count=20), True, id="503"),
    pytest.param(dict(kind="reset", count=20), True, id="reset"),
])
def test_stop_fault_outlasting_retries_fails_cleanly(lab, workdir, collections, fault, changed):
    """Every stop attempt fails: the task fails, the job still runs and is reported running.

    ``changed`` says whether an attempt may have reached the service: a 429 comes from the gateway and
    never did; after a 5xx or a dropped connection the service may still stop the job late (documented).
    """
    run, result = stop_one(lab, workdir, collections, faults=[dict(fault, operation="StopSmartLive")], retries=2, timeout=3)
    assert result["failed"] is True
    assert result["changed"] is changed
    assert lab.stop_effects() == []
    assert lab.job(JOB)["state"] == "PROCESSING"
    assert result["state"] == "PROCESSING"
    stops = lab.calls("StopSmartLive")
    assert len(stops) == 3
    assert "StopSmartLive" in result["msg"] and "gave up after 2 retries" in result["msg"]
    if fault["kind"] == "status":
        assert result["status_code"] == fault["status"]
        assert result["error_code"] == STATUS_CODES[fault["status"]]
        assert result["request_id"] == stops[-1]["request_id"]


@pytest.mark.parametrize("operation", ["ShowSmartLive", "StopSmartLive"])
def test_timeouts_bound_the_task(lab, workdir, collections, operation):
    """An endpoint that answers after 20 s: with timeout 1 and 1 retry the task ends within the bound."""
    timeout, retries = 1, 1
    fault = dict(operation=operation, kind="latency", latency_ms=20000, count=10)
    run, result = stop_one(lab, workdir, collections, faults=[fault], retries=retries, timeout=timeout)
    seconds = run.record("stop")["seconds"]
    print("task seconds with an endpoint 20 s slow: %.2f" % seconds)
    # Every attempt waits at most `timeout`, so the task ends long before one slow answer (20 s) could arrive,
    # however slowly the loaded machine starts Ansible and the module.
    assert seconds < 20
    assert result["failed"] is True
    assert "within the timeout of 1.0s" in result["msg"]
    assert result["status_code"] is None
    assert lab.job(JOB)["state"] == "PROCESSING"


def test_wrong_key_fails_each_job_without_retries(lab, workdir, collections):
    """401 to every call of a fleet: every job is named, none is retried or stopped."""
    jobs = [job_spec("job-key-%d" % index, room_id="room-key-%d" % (index % 2)) for index in range(5)]
    lab.prepare(jobs=jobs)
    task = stop_task("stop", jobs=[dict(room_id=job["room_id"], job_id=job["job_id"]) for job in jobs], concurrency=3)
    run = run_playbook(workdir, collections, [task], defaults=lab_defaults(lab, secret_key="not-the-secret-key-0000000000000001"))
    result = run.result("stop")
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(result)
    assert result["failed"] is True and result["changed"] is False
    assert sorted(result["failed_jobs"]) == sorted(job["job_id"] for job in jobs)
    assert result["stopped"] == [] and result["unchanged"] == []
    for item in result["results"]:
        assert (item["status_code"], item["error_code"]) == (401, "APIG.0301")
        assert item["request_id"]
    calls = lab.calls()
    assert all(call["status"] == 401 for call in calls)
    assert len(calls) == len(set((call["method"], call["path"]) for call in calls)), "a 401 was retried"
    assert all(job["state"] == "PROCESSING" for job in lab.jobs().values())


@pytest.mark.parametrize("style", ["APIG.0301", "APIG.0307"])
def test_token_expired_between_two_tasks(lab, workdir, collections, style):
    """A token that expires between two tasks: the second fails at once with the gateway's code."""
    lab.prepare(jobs=[job_spec("job-token-1"), job_spec("job-token-2")], behaviour=dict(expired_token_error=style))
    tasks = [stop_task("first", room_id=ROOM_ID, job_id="job-token-1"),
             admin_task("expire", lab, "tokens/expire"),
             stop_task("second", room_id=ROOM_ID, job_id="job-token-2")]
    run = run_playbook(workdir, collections, tasks, defaults=lab_defaults(lab, **TOKEN_AUTH))
    assert_no_traceback(run.stdout, run.stderr)
    first, second = run.result("first"), run.result("second")
    assert first["changed"] is True and not first.get("failed")
    assert_clean_result(second)
    assert second["failed"] is True and second["changed"] is False
    assert (second["status_code"], second["error_code"]) == (401, style)
    refused = [call for call in lab.calls() if call["status"] == 401]
    assert len(refused) == 1 and refused[0]["auth_error"] == "token expired"
    assert second["request_ids"] == [refused[0]["request_id"]] == [second["request_id"]]
    assert lab.job("job-token-2")["state"] == "PROCESSING"


def test_iam_token_refreshed_when_the_gateway_says_must_be_updated(lab, workdir, collections):
    """IAM password auth whose token dies during the wait (APIG.0307 style): a new token, then success."""
    run, result = stop_one(lab, workdir, collections, defaults=dict(IAM_AUTH, iam_endpoint=lab.url),
                           behaviour=dict(token_ttl_seconds=2, stop_delay_seconds=3, expired_token_error="APIG.0307"),
                           wait_sleep=0.5)
    assert run.returncode == 0, run.describe()
    assert_stopped_by_us(lab, result)
    token_calls = lab.calls("KeystoneCreateUserTokenByPassword")
    refused = [call for call in lab.calls() if call["status"] == 401]
    # One more token for each refusal (more than one only on a machine slow enough to outlive a second token).
    assert len(token_calls) >= 2 and all(call["status"] == 201 for call in token_calls)
    assert len(refused) == len(token_calls) - 1
    assert all(call["auth_error"] == "token expired" for call in refused)


def test_token_expiring_during_the_wait(lab, workdir, collections):
    """A given token (no way to renew it) expires while the task waits: a clean failure that keeps changed."""
    lab.prepare(jobs=[job_spec(JOB)], behaviour=dict(stop_delay_seconds=4))
    expirer = threading.Thread(target=lambda: (lab.wait_for_calls(
        lambda calls: any(call["effect"] == "stopped" for call in calls), 60), lab.emulator.expire_tokens()))
    expirer.start()
    try:
        run = run_playbook(workdir, collections, [stop_task("stop", room_id=ROOM_ID, job_id=JOB, wait_sleep=0.5)],
                           defaults=lab_defaults(lab, **TOKEN_AUTH))
    finally:
        expirer.join()
    result = run.result("stop")
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(result)
    assert result["failed"] is True
    assert result["changed"] is True
    assert len(lab.stop_effects(JOB)) == 1
    assert "stop was sent, but the job could not be read afterwards" in result["msg"]
    assert (result["status_code"], result["error_code"]) == (401, "APIG.0301")
    assert result["request_id"] == [call for call in lab.calls() if call["status"] == 401][-1]["request_id"]


def test_late_stop_with_lost_answer(lab, workdir, collections):
    """The stop works but takes 4 s, and its answer is lost: the retry is accepted, the task waits, one change."""
    fault = dict(operation="StopSmartLive", kind="status", status=503, apply="after", count=1)
    run, result = stop_one(lab, workdir, collections, behaviour=dict(stop_delay_seconds=4), faults=[fault], retries=3)
    assert run.returncode == 0, run.describe()
    assert_stopped_by_us(lab, result)
    assert lab.stop_effects(JOB)[0]["status"] == 503
    assert statuses(lab, "StopSmartLive") == [503, 200]
    assert result["state"] == "SUCCEED"


def test_late_stop_with_lost_answer_and_no_retries(lab, workdir, collections):
    """Same, with retries 0: the task fails (documented limit) but says the stop may have been applied."""
    fault = dict(operation="StopSmartLive", kind="status", status=503, apply="after", count=1)
    run, result = stop_one(lab, workdir, collections, behaviour=dict(stop_delay_seconds=5), faults=[fault], retries=0)
    assert result["failed"] is True and result["changed"] is True
    assert (result["status_code"], result["error_code"]) == (503, "APIG.0204")
    assert result["request_id"] == lab.calls("StopSmartLive")[0]["request_id"]
    assert result["state"] == "PROCESSING"
    assert len(lab.stop_effects(JOB)) == 1


def test_limit_second_task_during_a_late_stop_reports_changed_again(lab, workdir, collections):
    """Documented limit: a stop of a job that is already stopping is answered 200, which counts as a change."""
    lab.prepare(jobs=[job_spec(JOB)], behaviour=dict(stop_delay_seconds=6))
    tasks = [stop_task("no wait", room_id=ROOM_ID, job_id=JOB, wait=False),
             stop_task("wait", room_id=ROOM_ID, job_id=JOB)]
    run = run_playbook(workdir, collections, tasks, defaults=lab_defaults(lab))
    assert run.returncode == 0, run.describe()
    first, second = run.result("no wait"), run.result("wait")
    assert first["changed"] is True and first["state"] == "PROCESSING"
    assert second["changed"] is True and second["state"] == "SUCCEED"
    assert len(lab.stop_effects(JOB)) == 1
    assert statuses(lab, "StopSmartLive") == [200, 200]


@pytest.mark.parametrize("state, ended_response, changed", [
    pytest.param("BLOCKED", "error", False, id="blocked-400"),
    pytest.param("CANCELED", "error", False, id="canceled-400"),
    pytest.param("SUCCEED", "ok", True, id="succeed-200-limit"),
])
def test_job_ends_between_read_and_stop(lab, workdir, collections, state, ended_response, changed):
    """The job ends on its own just before our stop: unchanged, or changed when the service answers 200."""
    fault = dict(operation="StopSmartLive", kind="end_job_first", state=state, count=1)
    run, result = stop_one(lab, workdir, collections, behaviour=dict(stop_ended_response=ended_response), faults=[fault])
    assert run.returncode == 0, run.describe()
    assert result["changed"] is changed
    assert result["previous_state"] == "PROCESSING" and result["state"] == state
    assert lab.stop_effects() == []
    assert statuses(lab, "StopSmartLive") == [400 if ended_response == "error" else 200]


@pytest.mark.parametrize("ended_response", ["error", "ok"])
def test_fleet_jobs_ending_between_listing_and_stop(lab, workdir, collections, ended_response):
    """Half of a room's jobs end on their own right before their stop arrives."""
    jobs = [job_spec("job-race-%d" % index) for index in range(6)]
    fault = dict(operation="StopSmartLive", kind="end_job_first", state="FAILED", count=3)
    lab.prepare(jobs=jobs, faults=[fault], behaviour=dict(stop_ended_response=ended_response))
    task = stop_task("stop", jobs=[dict(room_id=ROOM_ID, job_id=job["job_id"]) for job in jobs], concurrency=3)
    run = run_playbook(workdir, collections, [task], defaults=lab_defaults(lab))
    result = run.result("stop")
    assert_no_traceback(run.stdout, run.stderr)
    assert run.returncode == 0, run.describe()
    effects = sorted(call["job_id"] for call in lab.stop_effects())
    ended_alone = sorted(job_id for job_id, job in lab.jobs().items() if job["state"] == "FAILED")
    assert len(effects) == 3 and len(ended_alone) == 3 and not set(effects) & set(ended_alone)
    if ended_response == "error":
        assert sorted(result["stopped"]) == effects
        assert sorted(result["unchanged"]) == ended_alone
    else:
        assert sorted(result["stopped"]) == sorted(effects + ended_alone)
    assert result["failed_jobs"] == []


def test_waiting_job_the_service_refuses_to_stop(lab, workdir, collections):
    """A WAITING job whose stop is refused (stop_waiting: error): a clean failure naming MSS.20020001, nothing changed."""
    lab.prepare(jobs=[job_spec(JOB, state="WAITING")], behaviour=dict(stop_waiting="error"))
    run = run_playbook(workdir, collections, [stop_task("stop", room_id=ROOM_ID, job_id=JOB)], defaults=lab_defaults(lab))
    result = run.result("stop")
    assert_no_traceback(run.stdout, run.stderr)
    assert_clean_result(result)
    assert result["failed"] is True and result["changed"] is False
    assert (result["status_code"], result["error_code"]) == (400, "MSS.20020001")
    assert result["request_id"] == lab.calls("StopSmartLive")[0]["request_id"]
    assert result["state"] == "WAITING" and lab.job(JOB)["state"] == "WAITING"
    assert [call["operation"] for call in lab.calls()] == ["ShowSmartLive", "StopSmartLive", "ShowSmartLive"]


@pytest.mark.parametrize("wait", [True, False])
def test_temp_room_cleaned_up_after_the_stop(lab, workdir, collections, wait):
    """A TEMP room's job that vanishes once our stop ended it is reported stopped, never failed; a rerun
    finds it missing, which fails only while fail_on_missing is true."""
    lab.prepare(behaviour=dict(temp_room_cleanup=True))
    lab.emulator.seed({"rooms": [dict(project_id=PROJECT_ID, room_id="room-temp", room_name="temp", room_type="TEMP")],
                       "jobs": [job_spec(JOB, room_id="room-temp")]})
    tasks = [stop_task("stop", room_id="room-temp", job_id=JOB, wait=wait),
             stop_task("rerun", room_id="room-temp", job_id=JOB, wait=wait),
             stop_task("accepted", room_id="room-temp", job_id=JOB, wait=wait, fail_on_missing=False)]
    run = run_playbook(workdir, collections, tasks, defaults=lab_defaults(lab))
    assert_no_traceback(run.stdout, run.stderr)
    result = run.result("stop")
    assert_clean_result(result)
    assert result["changed"] is True and len(lab.stop_effects(JOB)) == 1
    assert lab.job(JOB)["state"] == "SUCCEED"
    assert result["failed"] is False and result["outcome"] == "stopped"
    rerun, accepted = run.result("rerun"), run.result("accepted")
    assert rerun["failed"] is True and rerun["changed"] is False and rerun["outcome"] == "missing"
    assert (rerun["status_code"], rerun["error_code"]) == (400, "MSS.00000003")
    assert accepted["failed"] is False and accepted["changed"] is False and accepted["outcome"] == "missing"
    assert len(lab.stop_effects(JOB)) == 1


LOST = [
    pytest.param(dict(kind="status", status=500), 2, "error", id="500"),
    pytest.param(dict(kind="status", status=502), 2, "error", id="502"),
    pytest.param(dict(kind="status", status=503), 2, "error", id="503"),
    pytest.param(dict(kind="status", status=504), 2, "ok", id="504-ended-200"),
    pytest.param(dict(kind="reset"), 2, "error", id="reset"),
    pytest.param(dict(kind="reset"), 2, "ok", id="reset-ended-200"),
    pytest.param(dict(kind="truncated"), 2, "error", id="truncated"),
    pytest.param(dict(kind="html", status=502), 2, "error", id="html"),
    pytest.param(dict(kind="status", status=503), 0, "error", id="503-no-retry"),
    pytest.param(dict(kind="reset"), 0, "error", id="reset-no-retry"),
]


@pytest.mark.parametrize("fault, retries, ended_response", LOST)
def test_stop_applied_but_answer_lost(lab, workdir, collections, fault, retries, ended_response):
    """The stop takes effect and its answer is lost: the task reports the change it made, once."""
    fault = dict(fault, operation="StopSmartLive", apply="after", count=1)
    run, result = stop_one(lab, workdir, collections, faults=[fault], behaviour=dict(stop_ended_response=ended_response),
                           retries=retries)
    assert run.returncode == 0, run.describe()
    assert_stopped_by_us(lab, result)
    stops = lab.calls("StopSmartLive")
    assert stops[0]["effect"] == "stopped" and stops[0]["fault"] == fault["kind"]
    assert len(stops) == (2 if retries else 1)
    assert result["state"] == "SUCCEED"


def test_lost_answer_then_failed_reread_keeps_changed_fleet(lab, workdir, collections):
    """Stops applied with lost answers, then every read fails: the jobs ended by us must say changed."""
    jobs = [job_spec("job-lost-%d" % index) for index in range(2)]
    faults = [dict(operation="StopSmartLive", kind="status", status=503, apply="after", count=2),
              dict(operation="ShowSmartLive", kind="status", status=503, count=100)]
    lab.prepare(jobs=jobs, faults=faults)
    task = stop_task("stop", jobs=[dict(room_id=ROOM_ID, job_id=job["job_id"]) for job in jobs], retries=1)
    run = run_playbook(workdir, collections, [task], defaults=lab_defaults(lab))
    result = run.result("stop")
    assert_clean_result(result)
    # Both jobs were ended by our stops (the call log says so) and the task fails, as it cannot read them.
    assert sorted(call["job_id"] for call in lab.stop_effects()) == ["job-lost-0", "job-lost-1"]
    assert all(job["state"] == "SUCCEED" for job in lab.jobs().values())
    assert result["failed"] is True
    assert result["changed"] is True
    assert all(item["changed"] for item in result["results"])


def test_lost_answer_then_failed_reread_keeps_changed_single(lab, workdir, collections):
    """Same for one job: the read after the lost answer fails, and the task must still say changed."""
    faults = [dict(operation="StopSmartLive", kind="latency", latency_ms=1500, count=1),
              dict(operation="StopSmartLive", kind="status", status=503, apply="after", count=1)]
    lab.prepare(jobs=[job_spec(JOB)], faults=faults)
    # Once the first read has been answered (while the stop is held 1.5 s), every later read fails.
    breaker = threading.Thread(target=lambda: (lab.wait_for_calls(
        lambda calls: any(call["operation"] == "ShowSmartLive" for call in calls), 60),
        lab.add_fault(operation="ShowSmartLive", kind="status", status=503, count=100)))
    breaker.start()
    try:
        run = run_playbook(workdir, collections, [stop_task("stop", room_id=ROOM_ID, job_id=JOB, retries=0)],
                           defaults=lab_defaults(lab))
    finally:
        breaker.join()
    result = run.result("stop")
    assert_clean_result(result)
    assert len(lab.stop_effects(JOB)) == 1 and lab.job(JOB)["state"] == "SUCCEED"
    assert [call["status"] for call in lab.calls("ShowSmartLive")] == [200, 503]
    assert result["failed"] is True
    assert result["changed"] is True
