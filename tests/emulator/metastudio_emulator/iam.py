# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IAM token call (POST /v3/auth/tokens, password method, project scope)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .errors import IamRefused, InvalidBody
from .model import Token, new_token
from .queries import body_object
from .replies import Answer
from .timeutil import format_rfc3339

MALFORMED = (400, "Bad Request", "The request body is malformed.")


def _password_auth(request):
    """(name, password, domain, project scope) from the body, or IamRefused."""
    try:
        body = body_object(request)
    except InvalidBody:
        raise IamRefused(*MALFORMED) from None
    auth = body.get("auth")
    identity = auth.get("identity") if isinstance(auth, dict) else None
    if not isinstance(identity, dict) or "password" not in (identity.get("methods") or []):
        raise IamRefused(*MALFORMED)
    user_spec = (identity.get("password") or {}).get("user") if isinstance(identity.get("password"), dict) else None
    if not isinstance(user_spec, dict) or not isinstance(user_spec.get("domain"), dict):
        raise IamRefused(*MALFORMED)
    name, password, domain = user_spec.get("name"), user_spec.get("password"), user_spec["domain"]
    if not isinstance(name, str) or not isinstance(password, str):
        raise IamRefused(*MALFORMED)
    scope = auth.get("scope")
    project_spec = scope.get("project") if isinstance(scope, dict) else None
    if not isinstance(project_spec, dict) or not (project_spec.get("id") or project_spec.get("name")):
        raise IamRefused(400, "Bad Request", "A project scope (auth.scope.project.id or .name) is required.")
    return name, password, domain, project_spec


def create_token(emulator, request, params):
    name, password, domain, project_spec = _password_auth(request)
    request.log["user"] = name
    store = emulator.store
    now = emulator.clock.now()
    with store.lock:
        user = _find_user(store, domain, name)
        if user is None or user.password != password:
            raise IamRefused(401, "Unauthorized", "The username or password is wrong.")
        if project_spec.get("id"):
            project = store.projects.get(project_spec["id"])
        else:
            project = store.find_project_by_name(project_spec["name"])
        if project is None or not user.allows(project.project_id):
            raise IamRefused(401, "Unauthorized", "The request you have made requires authentication.")
        token = Token(new_token(), project.project_id, now, now + emulator.behaviour["token_ttl_seconds"], user)
        store.tokens[token.token] = token
    document = {"token": _token_view(token, project, user)}
    if not request.query.get("nocatalog"):
        document["token"]["catalog"] = _catalog(request.base_url(), project)
    return Answer(document, [("X-Subject-Token", token.token), ("X-IAM-Trace-Id", request.request_id)])


def _token_view(token, project, user):
    domain = {"id": user.domain_id, "name": user.domain_name}
    return {
        "expires_at": format_rfc3339(token.expires_at, fraction=True),
        "issued_at": format_rfc3339(token.issued_at, fraction=True),
        "methods": ["password"],
        "project": {"id": project.project_id, "name": project.name, "domain": dict(domain)},
        "domain": dict(domain),
        "user": {"id": user.user_id, "name": user.name, "password_expires_at": "", "domain": dict(domain)},
        "roles": [{"id": "0", "name": "te_admin"}, {"id": "1", "name": "op_gated_metastudio"}],
    }


def _catalog(base, project):
    return [
        {"type": "metastudio", "name": "metastudio", "id": "metastudio",
         "endpoints": [{"id": "metastudio-%s" % project.name, "interface": "public", "region": project.name,
                        "region_id": project.name, "url": "%s/v1/$(tenant_id)s" % base}]},
        {"type": "identity", "name": "iam", "id": "iam",
         "endpoints": [{"id": "iam", "interface": "public", "region": "*", "region_id": "*",
                        "url": "%s/v3" % base}]},
    ]


def _find_user(store, domain, name):
    if domain.get("name"):
        return store.users.get((domain["name"], name))
    if domain.get("id"):
        for user in store.users.values():
            if user.name == name and user.domain_id == domain["id"]:
                return user
    return None
