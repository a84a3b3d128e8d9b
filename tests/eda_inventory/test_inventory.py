# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_rooms inventory through ansible-inventory: hosts, groups, host variables, constructed
features, caching, errors and secrets."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from conftest import (BIN, PRIV_DATA, PROJECTS, SECRETS, calls, inventory_list, plain, run, seed_document,
                      write_inventory)


def test_graph_groups_rooms_by_project_state_type_and_activity(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:2]))
    room_ids = [room["room_id"] for room in emulator.raw_rooms(PROJECTS[0])]
    emulator.end_job(emulator.raw_rooms(PROJECTS[0])[2]["job_ids"][0], state="FAILED")
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:2])
    status, graph = run([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--graph"], env, tmp_path)
    assert status == 0, graph
    data = plain(inventory_list(inventory, env, tmp_path)[0])
    hostvars = data["_meta"]["hostvars"]
    # The same six names in both projects: each host is made unique with its room id.
    assert sorted(hostvars) == sorted("room-%02d-%s" % (index, room["room_id"]) for index in (1, 2, 3)
                                      for room in emulator.raw_rooms() if room["room_name"] == "room-%02d" % index)
    first = hostvars["room-01-%s" % room_ids[0]]
    assert first["room_id"] == room_ids[0] and first["project_id"] == PROJECTS[0]
    assert first["endpoint"] == emulator.url and first["region"] is None
    assert first["live"] is True and [job["state"] for job in first["running_jobs"]] == ["PROCESSING"]
    for project_id in PROJECTS[:2]:
        assert len(data["project_%s" % project_id]["hosts"]) == 3
        assert "@project_%s" % project_id in graph
    assert sorted(data["live"]["hosts"]) == sorted(name for name in hostvars if not name.startswith("room-03-%s" % room_ids[2]))
    assert data["idle"]["hosts"] == ["room-03-%s" % room_ids[2]]
    assert data["last_job_failed"]["hosts"] == ["room-03-%s" % room_ids[2]]
    assert len(data["last_job_processing"]["hosts"]) == 5 and len(data["room_type_normal"]["hosts"]) == 6


def test_unique_names_stay_and_constructed_options_apply(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:1]))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:1], extra=(
        "compose:\n  job_count: running_jobs | length\n"
        "groups:\n  first_room: room_name == 'room-01'\n"
        "keyed_groups:\n  - key: room_state\n    prefix: state\n"
        "strict: true\n"))
    data = plain(inventory_list(inventory, env, tmp_path)[0])
    assert sorted(data["_meta"]["hostvars"]) == ["room-01", "room-02", "room-03"]
    assert data["_meta"]["hostvars"]["room-02"]["job_count"] == 1
    assert data["first_room"]["hosts"] == ["room-01"]
    assert sorted(data["state_ENABLE"]["hosts"]) == ["room-01", "room-02", "room-03"]


def test_strict_refuses_a_bad_expression(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:1]))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:1], extra="compose:\n  x: no_such_var + 1\nstrict: true\n")
    status, output = run([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list"], env, tmp_path)
    assert status != 0 and "no_such_var" in output


def test_no_secret_in_output_or_cache_even_at_vvvv(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:2]))
    cache_dir = tmp_path / "cache"
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:2], extra=(
        "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % cache_dir))
    data, output = inventory_list(inventory, env, tmp_path, "-vvvv")
    cached = "".join(path.read_text() for path in cache_dir.iterdir())
    assert cached, "the cache was not written"
    for text in (output, cached):
        for secret in SECRETS + (PRIV_DATA,):
            assert secret not in text
    assert all("priv_data" not in hostvars for hostvars in data["_meta"]["hostvars"].values())
    # The room with a stream key: no key in any form.
    assert "stream_key" not in output


def test_priv_data_only_when_asked(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:1]))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:1], extra="include_priv_data: true\n")
    data = plain(inventory_list(inventory, env, tmp_path)[0])
    assert data["_meta"]["hostvars"]["room-01"]["priv_data"] == PRIV_DATA


def test_cache_answers_without_calls(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:2]))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:2], extra=(
        "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 600\n"
        % (tmp_path / "cache")))
    first = plain(inventory_list(inventory, env, tmp_path)[0])
    made = len(calls(emulator))
    assert made == 4, "two listings per project expected, got %d calls" % made
    second = plain(inventory_list(inventory, env, tmp_path)[0])
    assert len(calls(emulator)) == made
    assert second["_meta"]["hostvars"] == first["_meta"]["hostvars"]
    status, output = run([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list", "--flush-cache"], env, tmp_path)
    assert status == 0, output
    assert len(calls(emulator)) == made + 4


def test_api_error_fails_the_source_with_code_and_request_id(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:2]))
    emulator.add_fault(dict(operation="ListSmartLiveRooms", kind="status", status=403, error_code="APIG.0310",
                            error_msg="The key is not allowed for this project", count=100))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:2])
    status, output = run([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list"], env, tmp_path)
    assert status != 0
    request_ids = [call["request_id"] for call in calls(emulator, "ListSmartLiveRooms")]
    assert "APIG.0310" in output and "status=403" in output and request_ids[0] in output
    assert "Traceback" not in output


def test_credentials_from_the_file_win_over_the_environment(emulator, env, tmp_path):
    emulator.seed(seed_document(projects=PROJECTS[:1]))
    inventory = write_inventory(tmp_path, emulator.url, PROJECTS[:1], extra="auth_token: %s\n" % "not-a-token")
    status, output = run([os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list"], env, tmp_path)
    # The file names the token method, so the environment's access keys are not used, and the token is refused.
    assert status != 0 and "APIG.0301" in output
    assert [call["auth"] for call in calls(emulator)] == ["token"]
