# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The "Huawei Cloud MetaStudio" credential type, end to end without AWX.

AWX validates a custom credential type when it is saved, and for each job renders every ``injectors.env``
template with Jinja2 (a sandbox, ordinary undefined values) over the credential's inputs, leaving out inputs that
are empty. It then starts ansible-runner with those variables. These tests do the same with the definition file,
check that the variable names are the modules' own environment fallbacks, and run job-template playbooks with
ansible-runner against the emulator.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib
import json
import os
import re
import shutil
import subprocess
import sys

import ansible_runner
import pytest
import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFINITION = os.path.join(ROOT, "extensions", "awx", "metastudio_credential_type.yml")
CREATE_PLAYBOOK = os.path.join(ROOT, "extensions", "awx", "create_credential_type.yml")
PROJECT_PLAYBOOK = os.path.join(ROOT, "extensions", "awx", "project", "teardown.yml")
COLLECTION_TEARDOWN = os.path.join(ROOT, "playbooks", "teardown.yml")
OWN_PLAYBOOK = os.path.join(HERE, "stop_all_jobs.yml")
MODULE_UTILS = "ansible_collections.metastudio.cloud.plugins.module_utils."

HIDDEN = "**********"
# Variables AWX refuses in a custom credential type, besides every ANSIBLE_* name.
AWX_RESERVED_ENV = frozenset((
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
    "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION",
    "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH",
))
AWX_NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
AWX_FIELD_KEYS = frozenset(("id", "label", "type", "format", "choices", "help_text", "multiline", "secret",
                            "ask_at_runtime", "default"))

PROJECT = "4f1c3e9a7b2d4c6e8a0b1c2d3e4f5a6b"
AK = "HPUAAWXINJECTION0001"
SK = "AwxInjectionSecretKey0000000000000000001"
WRONG_SK = "AwxInjectionWrongSecret000000000000000002"
TEMP_AK = "HSTAAWXTEMPORARY0001"
TEMP_SK = "AwxTemporarySecretKey0000000000000000003"
TEMP_TOKEN = "AwxTemporarySecurityToken-0000000000000000000000000004"
SECRETS = (SK, WRONG_SK, TEMP_SK, TEMP_TOKEN)
ROOM_A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
ROOM_B = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
RUNNING = {"0000000000000000000000000000aa01": (ROOM_A, "PROCESSING"),
           "0000000000000000000000000000aa02": (ROOM_A, "PROCESSING"),
           "0000000000000000000000000000bb01": (ROOM_B, "WAITING"),
           "0000000000000000000000000000bb02": (ROOM_B, "PROCESSING")}
ENDED = {"0000000000000000000000000000aa03": (ROOM_A, "SUCCEED"),
         "0000000000000000000000000000bb03": (ROOM_B, "FAILED")}
# localhost as AWX's demo inventory has it: the modules run in the interpreter that runs Ansible.
INVENTORY = {"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                             "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}


def load_definition():
    with open(DEFINITION) as handle:
        return yaml.safe_load(handle)


def field_ids(definition):
    return [field["id"] for field in definition["inputs"]["fields"]]


def awx_problems(definition):
    """What AWX would refuse when this credential type is saved; an empty list when it accepts it."""
    problems = []
    if definition.get("kind") not in ("cloud", "net"):
        problems.append("custom credential types must be of kind cloud or net, not %r" % definition.get("kind"))
    inputs = definition.get("inputs") or {}
    problems.extend("unknown key inputs.%s" % key for key in sorted(set(inputs) - {"fields", "required"}))
    seen = set()
    for field in inputs.get("fields", []):
        problems.extend("field %s: unknown key %s" % (field.get("id"), key) for key in sorted(set(field) - AWX_FIELD_KEYS))
        if "id" not in field or "label" not in field:
            problems.append("field %r needs an id and a label" % field)
            continue
        if not AWX_NAME.match(field["id"]) or field["id"] == "tower":
            problems.append("field id %r is not allowed" % field["id"])
        if field["id"] in seen:
            problems.append("field id %s is not unique" % field["id"])
        seen.add(field["id"])
        kind = field.get("type", "string")
        if kind not in ("string", "boolean"):
            problems.append("field %s: type %r" % (field["id"], kind))
        if kind != "string" and any(key in field for key in ("choices", "multiline", "format", "secret")):
            problems.append("field %s: only string fields can be secret, multiline, formatted or have choices" % field["id"])
    problems.extend("required %r is not a field" % name for name in inputs.get("required", []) if name not in seen)
    injectors = definition.get("injectors") or {}
    problems.extend("unknown injector kind %s" % kind for kind in sorted(set(injectors) - {"env", "extra_vars", "file"}))
    for name, template in injectors.get("env", {}).items():
        if not AWX_NAME.match(name) or name.startswith("ANSIBLE_") or name in AWX_RESERVED_ENV:
            problems.append("environment variable %s is not allowed" % name)
        if not isinstance(template, str) or any(ord(char) > 127 for char in template):
            problems.append("environment variable %s: the template must be an ASCII string" % name)
    # Every template must render when each field has a value; a name that is not a field is an error.
    strict = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    example = dict((field_id, "EXAMPLE") for field_id in seen)
    for kind in ("env", "extra_vars"):
        for name, template in injectors.get(kind, {}).items():
            try:
                strict.from_string(template).render(**example)
            except TemplateError as error:
                problems.append("%s %s: %s" % (kind, name, error))
    return problems


def awx_render_env(definition, inputs):
    """(env, safe_env) as AWX builds them for a job: empty inputs are left out of the namespace, so their
    templates render as empty strings; safe_env (the job's stored environment) shows secrets as asterisks."""
    secret = set(field["id"] for field in definition["inputs"]["fields"] if field.get("secret"))
    namespace, safe_namespace = {}, {}
    for name, value in inputs.items():
        if name in secret:
            safe_namespace[name] = HIDDEN
        elif value:
            safe_namespace[name] = value
        if value:
            namespace[name] = value
    sandbox = ImmutableSandboxedEnvironment()
    env, safe_env = {}, {}
    for name, template in definition["injectors"]["env"].items():
        env[name] = sandbox.from_string(template).render(**namespace)
        safe_env[name] = sandbox.from_string(template).render(**safe_namespace)
    return env, safe_env


@pytest.fixture(name="module_utils")
def module_utils_fixture(collections_path, monkeypatch):
    """import_module(name) for the collection's module_utils, from this working tree."""
    monkeypatch.syspath_prepend(collections_path)
    return lambda name: importlib.import_module(MODULE_UTILS + name)


@pytest.fixture(name="fallbacks")
def fallbacks_fixture(module_utils):
    """{option: [environment variables, in order of preference]} as _options.CONNECTION_OPTIONS defines them."""
    options = module_utils("_options").CONNECTION_OPTIONS
    return dict((name, list(variables)) for name, (dummy, variables) in options.items() if variables)


def sample_inputs(**overrides):
    inputs = dict(access_key=AK, secret_key=SK, security_token="", project_id=PROJECT, region="", endpoint="")
    inputs.update(overrides)
    return inputs


# -- the definition as AWX sees it --------------------------------------------------------------------------------

def test_definition_is_accepted_by_awx_rules():
    definition = load_definition()
    assert definition["name"] == "Huawei Cloud MetaStudio"
    assert definition["kind"] == "cloud"
    assert awx_problems(definition) == []
    fields = dict((field["id"], field) for field in definition["inputs"]["fields"])
    assert set(name for name, field in fields.items() if field.get("secret")) == {"secret_key", "security_token"}
    assert set(definition["inputs"]["required"]) == {"access_key", "secret_key", "project_id"}
    assert all(field.get("help_text") for field in fields.values())


@pytest.mark.parametrize("mutation, expected", [
    (lambda d: d["injectors"]["env"].update(HW_EXTRA="{{ acces_key }}"), "acces_key"),
    (lambda d: d["injectors"]["env"].update(ANSIBLE_CONFIG="{{ region }}"), "ANSIBLE_CONFIG"),
    (lambda d: d["injectors"]["env"].update(PATH="{{ region }}"), "PATH"),
    (lambda d: d["inputs"]["required"].append("password"), "password"),
    (lambda d: d["inputs"]["fields"].append({"id": "region", "label": "Again"}), "not unique"),
    (lambda d: d.update(kind="ssh"), "kind"),
])
def test_rule_check_catches_what_awx_refuses(mutation, expected):
    definition = load_definition()
    mutation(definition)
    assert any(expected in problem for problem in awx_problems(definition))


def test_injected_variables_are_the_module_fallbacks(fallbacks):
    definition = load_definition()
    ids = field_ids(definition)
    # Each field fills the module option of the same name...
    assert set(ids) <= set(fallbacks), "fields without a module option: %s" % sorted(set(ids) - set(fallbacks))
    env = definition["injectors"]["env"]
    # ...through that option's first (preferred) variable, so it wins over any other variable the option reads.
    assert set(env) == set(fallbacks[field_id][0] for field_id in ids)
    for field_id in ids:
        template = env[fallbacks[field_id][0]]
        referenced = set(re.findall(r"\{\{\s*([a-z_]+)", template))
        assert referenced == {field_id}, "%s is injected from %s" % (fallbacks[field_id][0], referenced)
    # An input rendered on its own comes out unchanged.
    rendered, dummy = awx_render_env(definition, dict((field_id, "value-of-" + field_id) for field_id in ids))
    assert rendered == dict((fallbacks[field_id][0], "value-of-" + field_id) for field_id in ids)


def test_fallbacks_are_read_from_the_option_definition(fallbacks):
    # Guards the reading itself: it must see the options and their order of preference, not an empty map.
    assert fallbacks["access_key"][0] == "HUAWEICLOUD_SDK_AK"
    assert len(fallbacks["access_key"]) > 1
    assert "secret_key" in fallbacks and "endpoint" in fallbacks


def test_render_sets_every_variable_and_hides_secrets_in_the_job_environment(fallbacks):
    definition = load_definition()
    inputs = sample_inputs(security_token=TEMP_TOKEN, region="cn-north-4", endpoint="https://metastudio.example.com")
    env, safe_env = awx_render_env(definition, inputs)
    for field_id, value in inputs.items():
        assert env[fallbacks[field_id][0]] == value
    assert safe_env[fallbacks["secret_key"][0]] == HIDDEN
    assert safe_env[fallbacks["security_token"][0]] == HIDDEN
    assert safe_env[fallbacks["access_key"][0]] == AK
    assert not set(SECRETS) & set(safe_env.values())


def test_unset_optional_inputs_are_injected_empty_and_read_as_unset(fallbacks, module_utils):
    """AWX sets every injected variable; an optional input left empty gives an empty variable. The modules
    must then behave as if it were not set at all."""
    definition = load_definition()
    env, dummy = awx_render_env(definition, sample_inputs())
    assert env[fallbacks["security_token"][0]] == ""
    assert env[fallbacks["region"][0]] == ""
    assert env[fallbacks["endpoint"][0]] == ""
    # The options as the modules resolve them: nothing given in the task, everything from the environment.
    options = module_utils("_options").OptionAdapter({}, environ=env)
    endpoint = module_utils("_endpoint")
    auth = options.build_auth()
    assert isinstance(auth, module_utils("_auth").AkSkAuth) and not auth.security_token
    assert (auth.access_key, auth.secret_key) == (AK, SK)
    assert options.project_id() == PROJECT
    assert endpoint.build_endpoint(options.get("region"), options.get("endpoint")) == (
        "https://metastudio.%s.myhuaweicloud.com" % endpoint.DEFAULT_REGION)


def test_credentials_given_in_the_task_win_over_the_injected_ones(module_utils):
    """A job template's credential sets the environment; a task (or module_defaults) that names an
    authentication method of its own uses it, and takes nothing from the credential's method."""
    env, dummy = awx_render_env(load_definition(), sample_inputs(security_token=TEMP_TOKEN))
    options = module_utils("_options").OptionAdapter(dict(auth_token="task-token"), environ=env)
    auth = options.build_auth()
    assert isinstance(auth, module_utils("_auth").TokenAuth) and auth.token == "task-token"
    keys = module_utils("_options").OptionAdapter(dict(access_key=TEMP_AK, secret_key=TEMP_SK), environ=env).build_auth()
    assert (keys.access_key, keys.secret_key, keys.security_token) == (TEMP_AK, TEMP_SK, None)
    # The project still comes from the credential.
    assert options.project_id() == PROJECT


# -- job templates run with ansible-runner ------------------------------------------------------------------------

def seed_jobs(admin):
    jobs = [dict(project_id=PROJECT, room_id=room, job_id=job_id, state=state)
            for job_id, (room, state) in sorted(list(RUNNING.items()) + list(ENDED.items()))]
    admin.seed({
        "projects": [{"project_id": PROJECT, "name": "cn-north-4"}],
        "credentials": [{"access_key": AK, "secret_key": SK},
                        {"access_key": TEMP_AK, "secret_key": TEMP_SK, "security_token": TEMP_TOKEN}],
        "rooms": [{"project_id": PROJECT, "room_id": ROOM_A, "room_name": "AWX room A"},
                  {"project_id": PROJECT, "room_id": ROOM_B, "room_name": "AWX room B"}],
        "jobs": jobs,
    })


def run_job_template(tmp_path, playbook, injected_env, collections_path, monkeypatch, extravars=None):
    """Run ``playbook`` as AWX runs a job template: a private data dir with the project and an inventory,
    and an environment made only of the credential's variables and the collections path."""
    for name in list(os.environ):
        if name.startswith(("HUAWEICLOUD_", "HW_")):
            monkeypatch.delenv(name)
    # ansible-runner starts ansible-playbook from PATH: the one installed next to this interpreter.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    private_data_dir = tmp_path / "runner"
    (private_data_dir / "project").mkdir(parents=True)
    (private_data_dir / "inventory").mkdir()
    (private_data_dir / "inventory" / "hosts.yml").write_text(yaml.safe_dump(INVENTORY))
    shutil.copy(playbook, str(private_data_dir / "project" / os.path.basename(playbook)))
    envvars = dict(injected_env, ANSIBLE_COLLECTIONS_PATH=collections_path)
    # Like AWX, keep the environment out of env/envvars: it holds the secrets.
    run = ansible_runner.run(private_data_dir=str(private_data_dir), playbook=os.path.basename(playbook),
                             envvars=envvars, extravars=extravars or {}, suppress_env_files=True, quiet=True)
    return run, list(run.events), private_data_dir


def assert_no_secret_leaked(run, events, private_data_dir):
    """No secret value in any event, in the job output, or in any file the run left behind, except the
    runner's record of the environment it started ansible-playbook with (artifacts/<ident>/command)."""
    texts = [json.dumps(event) for event in events]
    with open(run.stdout.name) as stdout:
        texts.append(stdout.read())
    for folder, dummy, files in os.walk(str(private_data_dir)):
        for name in files:
            if name == "command" and os.path.basename(os.path.dirname(folder)) == "artifacts":
                continue
            with open(os.path.join(folder, name), errors="replace") as handle:
                texts.append(handle.read())
    for secret in SECRETS:
        leaks = [text[:200] for text in texts if secret in text]
        assert not leaks, "secret found in the run's output: %s" % leaks


def playbooks():
    teardown = pytest.param(PROJECT_PLAYBOOK, id="project-teardown", marks=pytest.mark.skipif(
        not os.path.exists(COLLECTION_TEARDOWN), reason="playbooks/teardown.yml is not there yet"))
    return [pytest.param(OWN_PLAYBOOK, id="modules"), teardown]


@pytest.mark.parametrize("playbook", playbooks())
@pytest.mark.parametrize("credential", [
    pytest.param(dict(access_key=AK, secret_key=SK), id="permanent-keys"),
    pytest.param(dict(access_key=TEMP_AK, secret_key=TEMP_SK, security_token=TEMP_TOKEN, region="cn-north-4"),
                 id="temporary-keys"),
])
def test_job_template_stops_the_jobs_with_the_injected_credential(
        playbook, credential, admin, collections_path, monkeypatch, tmp_path):
    seed_jobs(admin)
    env, dummy = awx_render_env(load_definition(), sample_inputs(endpoint=admin.url, **credential))
    extravars = {"all_rooms": True} if playbook == PROJECT_PLAYBOOK else {}
    run, events, private_data_dir = run_job_template(tmp_path, playbook, env, collections_path, monkeypatch, extravars)
    failures = [event["event_data"].get("res") for event in events if event.get("event") == "runner_on_failed"]
    assert (run.status, run.rc) == ("successful", 0), failures

    jobs = admin.jobs()
    for job_id in RUNNING:
        assert jobs[job_id]["state"] in ("SUCCEED", "CANCELED"), (job_id, jobs[job_id])
    for job_id, (dummy_room, state) in ENDED.items():
        assert jobs[job_id]["state"] == state
    api_calls = [call for call in admin.calls() if call["operation"]]
    assert api_calls and all(call["access_key"] == credential["access_key"] for call in api_calls)
    assert all(call["status"] < 400 for call in api_calls), [call for call in api_calls if call["status"] >= 400]
    stopped_by_calls = set(call["job_id"] for call in api_calls if call["operation"] == "StopSmartLive"
                           and call["effect"] == "stopped")
    assert stopped_by_calls == set(RUNNING)
    assert_no_secret_leaked(run, events, private_data_dir)

    if playbook == OWN_PLAYBOOK:
        # set_stats data is what AWX passes on to the next nodes of a workflow as extra variables.
        stats = [event["event_data"].get("artifact_data") for event in events if event.get("event") == "playbook_on_stats"]
        assert len(stats) == 1 and stats[0]
        assert sorted(stats[0]["metastudio_stopped_jobs"]) == sorted(RUNNING)
        assert set(stats[0]["metastudio_request_ids"]) <= set(call["request_id"] for call in api_calls)
        assert len(stats[0]["metastudio_request_ids"]) >= 1 + len(RUNNING)


@pytest.mark.parametrize("playbook", playbooks())
def test_wrong_secret_key_fails_with_apig_0301_and_leaks_nothing(
        playbook, admin, collections_path, monkeypatch, tmp_path):
    seed_jobs(admin)
    env, dummy = awx_render_env(load_definition(), sample_inputs(secret_key=WRONG_SK, endpoint=admin.url))
    extravars = {"all_rooms": True} if playbook == PROJECT_PLAYBOOK else {}
    run, events, private_data_dir = run_job_template(tmp_path, playbook, env, collections_path, monkeypatch, extravars)
    assert run.status == "failed" and run.rc != 0
    failed = [event["event_data"]["res"] for event in events if event.get("event") == "runner_on_failed"]
    assert failed, "no task failed"
    assert failed[0]["error_code"] in ("APIG.0301", "APIGW.0301"), failed[0]
    assert failed[0]["status_code"] == 401
    assert "APIG.0301" in failed[0]["msg"]
    # Nothing was stopped, and the gateway saw only refused signatures.
    jobs = admin.jobs()
    assert all(jobs[job_id]["state"] == state for job_id, (dummy_room, state) in RUNNING.items())
    api_calls = [call for call in admin.calls() if call["operation"]]
    assert api_calls and all(call["status"] == 401 and call["auth_error"] for call in api_calls)
    assert_no_secret_leaked(run, events, private_data_dir)


# -- the example that creates the credential type -----------------------------------------------------------------

STUB_MODULE = '''#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type
import json
import os
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict((name, dict(type="raw", no_log=name in ("inputs", "controller_password")))
                                              for name in %r), supports_check_mode=True)
    with open(os.environ["AWX_STUB_LOG"], "a") as log:
        log.write(json.dumps(dict(module=%r, params=module.params)) + "\\n")
    module.exit_json(changed=True)


main()
'''
STUB_OPTIONS = ("name", "description", "kind", "inputs", "injectors", "state", "organization", "credential_type",
                "controller_host", "controller_username", "controller_password", "controller_oauthtoken",
                "validate_certs")


def test_create_credential_type_playbook_sends_the_definition_unchanged(tmp_path, monkeypatch):
    """create_credential_type.yml, with stand-ins for the awx.awx modules that record what they are given."""
    modules = tmp_path / "collections" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    for name in ("credential_type", "credential"):
        (modules / (name + ".py")).write_text(STUB_MODULE % (STUB_OPTIONS, name))
    log = tmp_path / "calls.jsonl"
    for name in list(os.environ):
        if name.startswith("CONTROLLER_"):
            monkeypatch.delenv(name)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"), AWX_STUB_LOG=str(log),
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    inputs = dict(access_key=AK, secret_key=SK, project_id=PROJECT, region="cn-north-4")
    extra = dict(metastudio_credential_name="MetaStudio test", metastudio_credential_organization="Platform",
                 metastudio_credential_inputs=inputs, controller_host="https://awx.example.com")
    process = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), CREATE_PLAYBOOK, "-e", json.dumps(extra),
         "-e", "ansible_python_interpreter=%s" % sys.executable],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert process.returncode == 0, process.stdout
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert [call["module"] for call in calls] == ["credential_type", "credential"]
    definition = load_definition()
    sent = calls[0]["params"]
    # The Jinja2 templates of the injectors reach AWX as they are written, not rendered by Ansible.
    for key in ("name", "description", "kind", "inputs", "injectors"):
        assert sent[key] == definition[key], key
    assert sent["state"] == "present" and sent["controller_host"] == "https://awx.example.com"
    assert sent["controller_password"] is None
    credential = calls[1]["params"]
    assert credential["credential_type"] == definition["name"]
    assert credential["inputs"] == inputs
    assert (credential["name"], credential["organization"]) == ("MetaStudio test", "Platform")
    assert SK not in process.stdout
