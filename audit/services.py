import json
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import transaction

from api.ids import new_id
from api.logging import request_id_var
from audit.models import AuditEvent
from tenants.actors import Actor

if TYPE_CHECKING:
    from tenants.models import App

# Keys whose values never belong in an audit snapshot, at any depth.
_SECRET_KEYS = {
    "api_key",
    "key",
    "key_hash",
    "secret",
    "client_secret",
    "password",
    "card",
    "number",
    "cvc",
    "payment_method_data",
}


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: ("[redacted]" if str(key).lower() in _SECRET_KEYS else _without_secrets(item))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_without_secrets(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _audit_row(
    *,
    actor: Actor,
    action_type: StrEnum,
    target_type: str,
    target_id: str,
    payload_snapshot: dict[str, Any] | None,
) -> dict[str, Any]:
    """The columns of an audit event that say what happened (not where or when)."""
    if not isinstance(action_type, StrEnum):
        # Each app names its action types in its audit_actions.py; a free string can't come back.
        raise TypeError(
            f"action_type must be a member of an app's audit action StrEnum, not {action_type!r}."
        )
    return {
        "actor_type": str(actor.type),
        "actor_id": actor.id,
        "action_type": str(action_type),
        "target_type": target_type,
        "target_id": str(target_id),
        "payload_snapshot": _without_secrets(payload_snapshot or {}),
        "request_id": request_id_var.get() or "",
    }


def audit_event_record(
    *,
    app: "App",
    actor: Actor,
    action_type: StrEnum,
    target_type: str,
    target_id: str = "",
    payload_snapshot: dict[str, Any] | None = None,
) -> AuditEvent:
    """Writes the audit event of a mutation. Must run inside the mutation's transaction, so the
    event and the change commit or roll back together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_event_record must run inside the mutation's transaction.")
    return AuditEvent.objects.create(
        app=app,
        **_audit_row(
            actor=actor,
            action_type=action_type,
            target_type=target_type,
            target_id=target_id,
            payload_snapshot=payload_snapshot,
        ),
    )


# The same row as audit_event_record writes, for a hot path that folds its mutation and its
# audit event into one statement (one statement is one transaction). Placeholders: `{rows}`
# what the row is selected from (`FROM …`, and a WHERE), `{target_id}` and `{payload}` SQL
# expressions of the target's id and the snapshot (e.g. `%(audit_target_id)s` and
# `%(audit_payload_snapshot)s::jsonb`, or that extended with what only the statement knows).
AUDIT_EVENT_INSERT_SQL = """
INSERT INTO audit_auditevent
       (id, app_id, actor_type, actor_id, action_type, target_type, target_id,
        payload_snapshot, request_id, created_at)
SELECT %(audit_id)s, %(audit_app)s, %(audit_actor_type)s, %(audit_actor_id)s,
       %(audit_action_type)s, %(audit_target_type)s, {target_id}, {payload},
       %(audit_request_id)s, %(audit_created_at)s
  {rows}
"""


def audit_event_parameters(
    *,
    app: "App",
    actor: Actor,
    action_type: StrEnum,
    target_type: str,
    target_id: str = "",
    payload_snapshot: dict[str, Any] | None = None,
    now: datetime,
) -> dict[str, Any]:
    """The parameters of AUDIT_EVENT_INSERT_SQL: the row audit_event_record would write."""
    row = _audit_row(
        actor=actor,
        action_type=action_type,
        target_type=target_type,
        target_id=target_id,
        payload_snapshot=payload_snapshot,
    )
    row["payload_snapshot"] = json.dumps(row["payload_snapshot"])
    return {
        "audit_id": new_id("evt"),
        "audit_app": app.pk,
        "audit_created_at": now,
        **{f"audit_{column}": value for column, value in row.items()},
    }
