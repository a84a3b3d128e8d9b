# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: live_rooms
short_description: MetaStudio smart-live rooms as inventory hosts
version_added: 1.1.0
author:
  - metastudio.cloud maintainers (@metastudio-cloud)
description:
  - Makes one host of each smart-live room of one or more Huawei Cloud MetaStudio projects, with the room's
    fields, its running jobs and where its project is as host variables.
  - Reads a configuration file whose name ends with C(.metastudio.yml) or C(.metastudio.yaml).
  - Per project, the rooms are listed (C(ListSmartLiveRooms)) and the running jobs are listed
    (C(ListSmartLiveJobs) with the states V(WAITING) and V(PROCESSING)), every page of each.
  - "The host name is the room name. Rooms whose name another room of the inventory also has, and rooms with
    no name, are named C(<room name>-<room id>) (or the room id alone) instead, so every room is a host."
  - "Groups: C(project_<project id>); C(last_job_<state>) from the room's C(last_job_status) in lower case, or
    C(last_job_none); C(room_type_<type>) (V(room_type_normal), V(room_type_temp), V(room_type_template));
    C(live) for the rooms with a running job and C(idle) for the others."
  - "Host variables: the room's fields from the listing (C(room_id), C(room_name), C(room_type), C(room_state),
    C(last_job_status), C(model_infos), times and so on) except C(priv_data) unless O(include_priv_data=true);
    C(running_jobs), the room's running jobs, each with C(job_id), C(room_id), C(room_name), C(state), its times
    and durations, C(error_info), C(block_reason) and C(used_resource_type); C(live) (a boolean);
    C(project_id), C(region) (V(null) when the project is reached through an endpoint) and C(endpoint) (the
    base URL used), so tasks can template module options from them."
  - Credentials, endpoint and TLS settings are the modules' options, with the same environment variables and the
    same choice of authentication method. They apply to every project.
  - A failed call fails the whole source with the API's error code, HTTP status and request ID, rather than
    giving an inventory that silently lacks a project's rooms.
options:
  plugin:
    description: Token that makes this file a source of this plugin.
    required: true
    type: str
    choices: [metastudio.cloud.live_rooms]
  projects:
    description:
      - The projects whose rooms become hosts. Without it, the one project of O(project_id) (or its environment
        variables).
      - O(region) and O(endpoint) of an entry replace the ones of the file for that project.
    type: list
    elements: dict
    suboptions:
      project_id:
        description: Project ID.
        type: str
        required: true
      region:
        description: Region of the project, such as V(cn-north-4).
        type: str
      endpoint:
        description: Base URL of the MetaStudio API for the project, overriding O(projects[].region).
        type: str
  include_priv_data:
    description:
      - Whether the rooms' C(priv_data) (opaque data of the room's owner, which may hold anything) goes into
        the host variables.
    type: bool
    default: false
extends_documentation_fragment:
  - metastudio.cloud.auth
  - metastudio.cloud.connection
  - constructed
  - inventory_cache
notes:
  - "Hosts are rooms, not machines: run tasks on them with C(connection: local), as the playbook
    C(metastudio.cloud.teardown_inventory) does."
  - A room's stream keys, the RTC details (with their signatures) and the callback settings (with their key) of
    its jobs are never in the inventory, nor in its cache, which only holds what the host variables show.
  - In AWX, use this file as the source of an inventory source from a project, with a credential of the
    collection's custom credential type; see the guide on event-driven automation and inventories.
seealso:
  - module: metastudio.cloud.metastudio_live_job
'''

EXAMPLES = r'''
# campaign.metastudio.yml: the rooms of two projects; credentials from the environment.
plugin: metastudio.cloud.live_rooms
projects:
  - project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    region: cn-north-4
  - project_id: 9f8e7d6c5b4a39281706f5e4d3c2b1a0
    region: ap-southeast-1
keyed_groups:
  - key: room_name | regex_replace('[^A-Za-z0-9]+', '_') | lower
    prefix: name
groups:
  running_long: live and (running_jobs | map(attribute='start_time') | min | default('9999')) < '2026-01-01'
compose:
  job_count: running_jobs | length
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ./.inventory-cache
cache_timeout: 300
'''

import re

from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import iter_jobs
from ansible_collections.metastudio.cloud.plugins.module_utils._live_transform import RUNNING_STATES
from ansible_collections.metastudio.cloud.plugins.module_utils._options import CONNECTION_OPTIONS, OptionAdapter
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import iter_rooms
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR

REDACTED = "********"
# What the host variables keep of each running job: enough to template module options and to group by;
# the RTC room, callback and log details stay out (and with them their signatures and keys).
JOB_FIELDS = ("job_id", "room_id", "room_name", "state", "create_time", "start_time", "lastupdate_time", "duration",
              "stream_duration", "error_info", "block_reason", "used_resource_type")
# Keys whose values are secrets wherever they appear in a room or a job.
SECRET_KEY_PATTERN = re.compile(r"(^|_)(stream_keys?|key|auth_key|password|secret|signature|token)$")


def mask_secrets(value):
    """A copy of ``value`` with the values of secret-named keys masked, at any depth."""
    if isinstance(value, dict):
        return dict((key, REDACTED if SECRET_KEY_PATTERN.search(str(key)) and item else mask_secrets(item))
                    for key, item in value.items())
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    return value


def describe(error):
    return "%s (error_code=%s, status=%s, request_id=%s)" % (
        error.msg, error.error_code, error.status_code, error.request_id)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "metastudio.cloud.live_rooms"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            (".metastudio.yml", ".metastudio.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        if not HAS_REQUESTS:
            raise AnsibleParserError(missing_required_lib("requests") + ": " + REQUESTS_IMPORT_ERROR)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        projects = None
        if use_cache and cache:
            projects = self._cache.get(cache_key)
        if projects is None:
            projects = [self._fetch_project(entry) for entry in self._project_entries()]
            if use_cache:
                self._cache[cache_key] = projects
        self._populate(projects)

    def _project_entries(self):
        entries = self.get_option("projects")
        if not entries:
            return [dict(project_id=None, region=None, endpoint=None)]
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("project_id"):
                raise AnsibleParserError("live_rooms: each entry of projects needs a project_id, got %r" % (entry,))
            unknown = sorted(set(entry) - set(("project_id", "region", "endpoint")))
            if unknown:
                raise AnsibleParserError("live_rooms: unknown key(s) %s in the projects entry of %s" % (
                    ", ".join(unknown), entry["project_id"]))
        return entries

    def _adapter(self, entry):
        given = {}
        for name in CONNECTION_OPTIONS:
            try:
                given[name] = self.get_option(name)
            except KeyError:
                given[name] = None
        if entry.get("project_id"):
            given["project_id"] = entry["project_id"]
        if entry.get("region") or entry.get("endpoint"):
            given["region"] = entry.get("region")
            given["endpoint"] = entry.get("endpoint")
        return OptionAdapter(given)

    def _fetch_project(self, entry):
        """The rooms and running jobs of one project, secrets already masked (this is what gets cached)."""
        adapter = self._adapter(entry)
        label = entry.get("project_id") or "of the environment"
        try:
            transport = adapter.build_transport(pool_size=2)
            rooms = list(iter_rooms(transport))
            jobs = list(iter_jobs(transport, states=list(RUNNING_STATES)))
        except MetaStudioError as error:
            raise AnsibleParserError("live_rooms: project %s: %s" % (label, describe(error)))
        include_priv_data = self.get_option("include_priv_data")
        rooms = [mask_secrets(dict((key, value) for key, value in room.items()
                                   if include_priv_data or key != "priv_data")) for room in rooms]
        return dict(
            project_id=transport.project_id,
            region=None if adapter.get("endpoint") else (adapter.get("region") or "cn-north-4"),
            endpoint=transport.base_url,
            rooms=rooms,
            jobs=[mask_secrets(dict((key, job.get(key)) for key in JOB_FIELDS)) for job in jobs],
        )

    def _populate(self, projects):
        names = {}
        for project in projects:
            for room in project["rooms"]:
                names[room.get("room_name")] = names.get(room.get("room_name"), 0) + 1
        for project in projects:
            running = {}
            for job in project["jobs"]:
                running.setdefault(job.get("room_id"), []).append(job)
            for room in project["rooms"]:
                if not room.get("room_id"):
                    continue
                name = room.get("room_name")
                host = name if name and names[name] == 1 else ("%s-%s" % (name, room["room_id"]) if name else room["room_id"])
                self._add_room(host, room, running.get(room["room_id"], []), project)

    def _add_room(self, host, room, jobs, project):
        self.inventory.add_host(host)
        hostvars = dict(room, running_jobs=jobs, live=bool(jobs), project_id=project["project_id"],
                        region=project["region"], endpoint=project["endpoint"])
        for key, value in hostvars.items():
            self.inventory.set_variable(host, key, value)
        groups = ["project_%s" % project["project_id"],
                  "last_job_%s" % (room.get("last_job_status") or "none").lower(),
                  "room_type_%s" % (room.get("room_type") or "unknown").lower(),
                  "live" if jobs else "idle"]
        for group in groups:
            group = self._sanitize_group_name(group)
            self.inventory.add_group(group)
            self.inventory.add_child(group, host)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
