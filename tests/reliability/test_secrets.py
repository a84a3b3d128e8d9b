# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: no secret key, security token, auth token, IAM password, IAM-issued token, or RTC signature that the
API returns with a job may appear in what a run leaves behind: stdout and stderr of ansible-playbook at -vvvv, the registered results, and the
emulator's call log, in a success and in every kind of failure.

ansible-core's own debug mode (ANSIBLE_DEBUG=1) prints the arguments of every module it runs, no_log or
not (its DEFAULT_DEBUG setting warns about this). So with debug on, secrets are given the way the collection
supports for that: through its environment variables. One more run shows the limit: secrets given as task
arguments with debug on appear in ansible-core's "done with _execute_module" line, and nowhere else.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re

import pytest

from harness import (AUTH_TOKEN, IAM_DOMAIN, IAM_PASSWORD, IAM_USER, OMIT, PROJECT_ID, ROOM_ID, SECRET_KEY, SECURITY_TOKEN,
                     TEMP_ACCESS_KEY, TEMP_SECRET_KEY, WRONG_AUTH_TOKEN, admin_task, job_spec, lab_defaults, run_playbook,
                     stop_task)

CORE_DEBUG_ARGS_LINE = re.compile(r"^ *\d+ [\d.]+: done with _execute_module \(")
KINDS = ("success", "wrong_credentials", "exhausted_503", "timeout", "html_page", "token_expired", "bad_input")


def auth_setup(auth, lab, source):
    """(module options, environment) for ``auth``, with the secrets in the task or in the environment."""
    if auth == "temporary-keys":
        options = dict(access_key=TEMP_ACCESS_KEY, secret_key=TEMP_SECRET_KEY, security_token=SECURITY_TOKEN)
        names = dict(access_key="HUAWEICLOUD_SDK_AK", secret_key="HUAWEICLOUD_SDK_SK", security_token="HUAWEICLOUD_SDK_SECURITY_TOKEN")
    elif auth == "token":
        options = dict(auth_token=AUTH_TOKEN)
        names = dict(auth_token="HW_AUTH_TOKEN")
    else:
        options = dict(iam_username=IAM_USER, iam_password=IAM_PASSWORD, iam_domain_name=IAM_DOMAIN, iam_endpoint=lab.url)
        names = dict(iam_username="HW_USER_NAME", iam_password="HW_USER_PASSWORD", iam_domain_name="HW_DOMAIN_NAME",
                     iam_endpoint="HW_AUTH_URL")
    if source == "env":
        return {}, dict((names[key], value) for key, value in options.items())
    return options, {}


def wrong_credentials(auth):
    if auth == "temporary-keys":
        return dict(access_key="RELIABILITYUNKNOWNAK1")
    if auth == "token":
        return dict(auth_token=WRONG_AUTH_TOKEN)
    return dict(iam_username="nobody-of-this-name")


def tasks_for(auth, lab, kinds=KINDS):
    """One task per kind of outcome, with the emulator set up for it by admin calls in between."""
    tasks = [stop_task("success", room_id=ROOM_ID, job_id="job-secret-1"),
             stop_task("wrong_credentials", room_id=ROOM_ID, job_id="job-secret-2", **wrong_credentials(auth)),
             # Each fault lasts exactly as many calls as the next task makes.
             admin_task("fault 503", lab, "faults", dict(operation="ShowSmartLive", kind="status", status=503, count=2)),
             stop_task("exhausted_503", room_id=ROOM_ID, job_id="job-secret-2", retries=1),
             admin_task("fault latency", lab, "faults", dict(operation="ShowSmartLive", kind="latency", latency_ms=2500, count=1)),
             stop_task("timeout", room_id=ROOM_ID, job_id="job-secret-2", retries=0, timeout=0.5),
             admin_task("fault html", lab, "faults", dict(operation="ShowSmartLive", kind="html", status=502, count=1)),
             stop_task("html_page", room_id=ROOM_ID, job_id="job-secret-2", retries=0)]
    if auth == "iam-password":
        # The token issued by IAM expires during the wait, and is replaced.
        tasks.append(admin_task("short tokens", lab, "behaviour", dict(token_ttl_seconds=1, stop_delay_seconds=2), method="PUT"))
    else:
        # Temporary keys and tokens both outlive an hour only on the emulator's fast-forwarded clock.
        tasks.append(admin_task("expire", lab, "clock", dict(advance_seconds=7200), method="PUT"))
    tasks += [stop_task("token_expired", room_id=ROOM_ID, job_id="job-secret-3", wait_sleep=0.5),
              stop_task("bad_input", room_id=ROOM_ID, job_id="bad/id")]
    if kinds != KINDS:
        tasks = [task for task in tasks if task["name"] in kinds]
    for task in tasks:
        if "register" in task:
            task["register"] = "r_" + task["name"]
    registered = ", ".join("'%s': r_%s" % (kind, kind) for kind in kinds)
    tasks.append({"name": "dump", "ansible.builtin.copy": dict(
        content="{{ {%s} | to_nice_json }}" % registered, dest="{{ playbook_dir }}/registered.json")})
    return tasks


def secret_values(lab):
    values = [SECRET_KEY, TEMP_SECRET_KEY, SECURITY_TOKEN, AUTH_TOKEN, IAM_PASSWORD, WRONG_AUTH_TOKEN] + lab.issued_tokens()
    values += lab.job_secrets()
    return sorted(set(value for value in values if value))


def fragments(secret):
    """The secret and two 16-character pieces of it, so that a cut or partly masked copy is found too."""
    return [secret, secret[-16:], secret[len(secret) // 2 - 8:len(secret) // 2 + 8]]


def leaks(text, secrets, allowed_line=None):
    """(secret, line) for every line of ``text`` holding a piece of a secret, except allowed lines."""
    found = []
    for line in text.splitlines():
        if allowed_line is not None and allowed_line(line):
            continue
        for secret in secrets:
            if any(piece in line for piece in fragments(secret)):
                found.append((secret[:12] + "...", line[:200]))
    return found


def core_line_with_wrong_token(line):
    return bool(CORE_DEBUG_ARGS_LINE.match(line)) and WRONG_AUTH_TOKEN in line


def run_and_scan(lab, workdir, collections, auth, source, debug, kinds=KINDS):
    lab.prepare(jobs=[job_spec("job-secret-%d" % index) for index in (1, 2, 3)])
    options, env = auth_setup(auth, lab, source)
    auth_options = dict(access_key=OMIT, secret_key=OMIT)
    auth_options.update(options)
    defaults = lab_defaults(lab, **auth_options)
    run = run_playbook(workdir, collections, tasks_for(auth, lab, kinds), defaults=defaults, verbosity=4, debug=debug, env=env)
    assert run.returncode == 0, run.describe()
    outcomes = dict((kind, run.result(kind)) for kind in kinds)
    with open(os.path.join(workdir, "registered.json")) as stream:
        registered = stream.read()
    call_log = json.dumps(lab.calls(), indent=1)
    with open(os.path.join(workdir, "results.jsonl")) as stream:
        callback = stream.read()
    texts = dict(stdout=run.stdout, stderr=run.stderr, registered=registered, callback=callback, call_log=call_log)
    return run, outcomes, texts, options


def check_outcomes(outcomes, auth):
    """Each task ended as its kind says, so that every path the secrets could take was really taken."""
    assert outcomes["success"]["changed"] is True and not outcomes["success"]["failed"]
    assert outcomes["wrong_credentials"]["failed"] and outcomes["wrong_credentials"]["status_code"] == 401
    assert outcomes["exhausted_503"]["failed"] and outcomes["exhausted_503"]["status_code"] == 503
    assert outcomes["timeout"]["failed"] and "within the timeout" in outcomes["timeout"]["msg"]
    assert outcomes["html_page"]["failed"] and "non-JSON response" in outcomes["html_page"]["msg"]
    if auth == "iam-password":
        assert outcomes["token_expired"]["changed"] is True and not outcomes["token_expired"]["failed"]
    else:
        assert outcomes["token_expired"]["failed"] and outcomes["token_expired"]["status_code"] == 401
    assert outcomes["bad_input"]["failed"] and outcomes["bad_input"]["request_ids"] == []


@pytest.mark.parametrize("auth, source, debug", [
    pytest.param("temporary-keys", "task", False, id="temporary-keys-in-task"),
    pytest.param("token", "task", False, id="token-in-task"),
    pytest.param("iam-password", "task", False, id="iam-password-in-task"),
    pytest.param("temporary-keys", "env", True, id="temporary-keys-in-env-debug"),
    pytest.param("token", "env", True, id="token-in-env-debug"),
    pytest.param("iam-password", "env", True, id="iam-password-in-env-debug"),
])
def test_no_secret_anywhere(lab, workdir, collections, auth, source, debug):
    run, outcomes, texts, options = run_and_scan(lab, workdir, collections, auth, source, debug)
    check_outcomes(outcomes, auth)
    secrets = secret_values(lab)
    if auth == "iam-password":
        assert len(lab.issued_tokens()) >= 3, "IAM issued no tokens to look for"
    assert len(lab.job_secrets()) >= 3, "the jobs carry no RTC signatures to look for"
    # Controls: the scan finds what is there, the no_log masking ran, debug was really on, the log was kept.
    if source == "task":
        with open(os.path.join(workdir, "playbook.yml")) as stream:
            assert leaks(stream.read(), [value for value in options.values() if value in secrets])
        # Secrets from the environment never become module parameters, so only task-given ones show masked;
        # the module's own masking of environment secrets is checked by the unit tests of the modules.
        assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in texts["stdout"]
    assert bool(re.search(r"^ *\d+ [\d.]+: ", texts["stdout"], re.MULTILINE)) is debug
    assert PROJECT_ID in texts["call_log"] and len(lab.calls()) > 5
    # With debug on, the only secret given as a task argument is the wrong token, printed by ansible-core itself.
    allowed = core_line_with_wrong_token if debug and auth == "token" else None
    for name, text in sorted(texts.items()):
        found = leaks(text, secrets, allowed)
        assert not found, "secrets in %s: %s" % (name, found)


def test_limit_core_debug_prints_task_arguments(lab, workdir, collections):
    """Secrets given as task arguments with ANSIBLE_DEBUG=1: only ansible-core's module-arguments line has them."""
    run, outcomes, texts, options = run_and_scan(lab, workdir, collections, "temporary-keys", "task", True,
                                                 ("success", "wrong_credentials"))
    assert outcomes["success"]["changed"] is True and outcomes["wrong_credentials"]["status_code"] == 401
    secrets = secret_values(lab)
    everywhere = leaks(texts["stdout"], secrets)
    print("lines of ansible-core debug output holding a secret given as a task argument: %d" % len(everywhere))
    assert everywhere, "ansible-core no longer prints module arguments in debug mode: this limit can go"
    assert all(CORE_DEBUG_ARGS_LINE.match(line) for dummy, line in everywhere)
    for name, text in sorted(texts.items()):
        assert not leaks(text, secrets, CORE_DEBUG_ARGS_LINE.match), name
    assert options["secret_key"] in texts["stdout"]
