# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official huaweicloudsdkmetastudio client against the emulator."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from emulator_testlib import AK, JOB, PROJECT, ROOM, SK

sdk_core = pytest.importorskip("huaweicloudsdkcore")
metastudio = pytest.importorskip("huaweicloudsdkmetastudio.v1")

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.exceptions import exceptions  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(name="client")
def client_fixture(emu, admin, tmp_path, monkeypatch):
    # The SDK writes an application id under $HOME; keep that out of the real home directory.
    monkeypatch.setenv("HOME", str(tmp_path))
    admin.seed({"projects": [{"project_id": PROJECT}], "credentials": [{"access_key": AK, "secret_key": SK}],
                "rooms": [{"project_id": PROJECT, "room_id": ROOM, "room_name": "room A/测试 studio"}],
                "jobs": [{"project_id": PROJECT, "room_id": ROOM, "job_id": JOB}]})
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    return (metastudio.MetaStudioClient.new_builder()
            .with_http_config(config)
            .with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoint(emu.url)
            .build())


def test_show_list_stop(client, admin):
    shown = client.show_smart_live(metastudio.ShowSmartLiveRequest(room_id=ROOM, job_id=JOB))
    assert shown.job_id == JOB and shown.state == "PROCESSING" and len(shown.x_request_id) == 32
    assert shown.rtc_room_info.users[0].user_type == "CAPTURE"
    assert isinstance(shown.duration, float) and shown.create_time.endswith("Z")
    listed = client.list_smart_live_jobs(metastudio.ListSmartLiveJobsRequest(
        state="WAITING,PROCESSING", room_name="room A/测试", offset=0, limit=10, create_since="2000-01-01T00:00:00Z"))
    assert listed.count == 1 and listed.smart_live_jobs[0].job_id == JOB and listed.x_request_id
    room_jobs = client.list_smart_live(metastudio.ListSmartLiveRequest(room_id=ROOM, sort_dir="desc"))
    assert room_jobs.count == 1
    rooms = client.list_smart_live_rooms(metastudio.ListSmartLiveRoomsRequest(room_name="studio"))
    assert rooms.count == 1 and rooms.smart_live_rooms[0].last_job_status == "PROCESSING"
    room = client.show_smart_live_room(metastudio.ShowSmartLiveRoomRequest(room_id=ROOM))
    assert room.room_id == ROOM and room.room_type == "NORMAL"
    stopped = client.stop_smart_live(metastudio.StopSmartLiveRequest(room_id=ROOM, job_id=JOB))
    assert len(stopped.x_request_id) == 32
    assert client.show_smart_live(metastudio.ShowSmartLiveRequest(room_id=ROOM, job_id=JOB)).state == "SUCCEED"
    assert all(call["auth"] == "aksk" and call["auth_error"] is None for call in admin.calls())


def test_start_with_app_user(client, admin):
    started = client.start_smart_live(metastudio.StartSmartLiveRequest(
        room_id=ROOM, x_app_user_id="app-user-1", body=metastudio.StartSmartLiveReq()))
    assert len(started.job_id) == 32 and started.x_request_id
    assert admin.job(started.job_id)["app_user_id"] == "app-user-1"


def test_errors(client, admin):
    client.stop_smart_live(metastudio.StopSmartLiveRequest(room_id=ROOM, job_id=JOB))
    with pytest.raises(exceptions.ClientRequestException) as raised:
        client.stop_smart_live(metastudio.StopSmartLiveRequest(room_id=ROOM, job_id=JOB))
    error = raised.value
    assert error.status_code == 400 and error.error_code == "MSS.20020001"
    assert error.request_id == admin.calls()[-1]["request_id"]
    with pytest.raises(exceptions.ClientRequestException) as raised:
        client.show_smart_live(metastudio.ShowSmartLiveRequest(room_id=ROOM, job_id="missing"))
    assert raised.value.error_code == "MSS.00000003" and len(raised.value.request_id) == 32
    admin.fault(operation="ShowSmartLive", kind="status", status=504)
    with pytest.raises(exceptions.ServerResponseException) as server_error:
        client.show_smart_live(metastudio.ShowSmartLiveRequest(room_id=ROOM, job_id=JOB))
    assert server_error.value.status_code == 504 and server_error.value.error_code == "APIG.0201"
    admin.behaviour(rate_limit_per_second=0.001, rate_limit_burst=1)
    client.list_smart_live_jobs(metastudio.ListSmartLiveJobsRequest())
    with pytest.raises(exceptions.ClientRequestException) as throttled:
        client.list_smart_live_jobs(metastudio.ListSmartLiveJobsRequest())
    # For GET the SDK's urllib3 Retry(total=0, status_forcelist=[429]) raises before the body is read,
    # so the exception carries the status as its code, not APIG.0308.
    assert throttled.value.status_code == 429
    assert admin.calls()[-1]["throttled"] is True
    # POST is never retried by urllib3, so there the SDK reads the gateway body.
    with pytest.raises(exceptions.ClientRequestException) as first_stop:
        client.stop_smart_live(metastudio.StopSmartLiveRequest(room_id=ROOM, job_id="missing"))
    assert first_stop.value.status_code == 400
    with pytest.raises(exceptions.ClientRequestException) as throttled_stop:
        client.stop_smart_live(metastudio.StopSmartLiveRequest(room_id=ROOM, job_id="missing"))
    assert throttled_stop.value.status_code == 429 and throttled_stop.value.error_code == "APIG.0308"
    assert throttled_stop.value.request_id == admin.calls()[-1]["request_id"]


def test_room_lifecycle_and_command(client, admin):
    body = metastudio.CreateSmartLiveRoomReq(
        room_name="SDK room", room_type="NORMAL",
        video_config=metastudio.VideoConfig(width=1920, height=1080, bitrate=4000, codec="H264"),
        output_urls=["rtmp://live.example.com/app"], stream_keys=["sdk-stream-key"])
    created = client.create_smart_live_room(metastudio.CreateSmartLiveRoomRequest(body=body))
    room_id = created.room_id
    assert len(room_id) == 32 and len(created.x_request_id) == 32
    shown = client.show_smart_live_room(metastudio.ShowSmartLiveRoomRequest(room_id=room_id))
    assert shown.stream_keys == ["sdk-stream-key"] and shown.video_config.bitrate == 4000
    updated = client.update_smart_live_room(metastudio.UpdateSmartLiveRoomRequest(
        room_id=room_id, body=metastudio.CreateSmartLiveRoomReq(room_name="SDK room 2")))
    assert updated.room_name == "SDK room 2" and updated.stream_keys == []
    started = client.start_smart_live(metastudio.StartSmartLiveRequest(
        room_id=room_id, body=metastudio.StartSmartLiveReq(
            job_run_config=metastudio.LiveJobRunConfig(single_job_in_room=True))))
    command = client.execute_smart_live_command(metastudio.ExecuteSmartLiveCommandRequest(
        room_id=room_id, job_id=started.job_id,
        body=metastudio.ControlSmartLiveReq(command="INSERT_PLAY_SCRIPT",
                                            params={"text_config": {"text": "hello"}})))
    assert command.command == "INSERT_PLAY_SCRIPT" and command.result == "SUCCESS" and command.command_id
    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.delete_smart_live_room(metastudio.DeleteSmartLiveRoomRequest(room_id=room_id))
    assert refused.value.status_code == 400 and refused.value.error_code == "MSS.20020001"
    client.stop_smart_live(metastudio.StopSmartLiveRequest(room_id=room_id, job_id=started.job_id))
    deleted = client.delete_smart_live_room(metastudio.DeleteSmartLiveRoomRequest(room_id=room_id))
    assert len(deleted.x_request_id) == 32
    effects = ["created", None, "updated", "started", "executed", "noop", "stopped", "deleted"]
    assert [call["effect"] for call in admin.calls()] == effects
