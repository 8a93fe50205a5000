"""The JSON export carries the response record: checklist, roles, rollbacks and
hotfixes, and every message with its deliveries, never a target's secret."""

from __future__ import annotations

import json
from typing import Any

from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.roles import Role
from commander.domain.when import utc_now
from commander.exports.render import export_incident
from commander.services import messages
from commander.services.checklist import check_item, checklist
from commander.services.deploys import record_deploy
from commander.services.incidents import get_incident
from commander.services.roles import assign_role
from commander.services.targets import list_targets
from commander.store.orm_comms import ConnectorState
from tests.commander.conftest import SECRET
from tests.support.postmortem_sample import GENERATED_AT
from tests.support.secret_stores import stored_secret


def test_json_export_has_checklist_roles_deploys_and_comms_but_no_secret(
    store: Any, incident: str, target: str
) -> None:
    items = checklist(store, incident).items
    check_item(store, incident, items[0].id, "ana")
    assign_role(store, incident, Role.COMMANDER, "Ana", "ana")
    assign_role(store, incident, Role.COMMANDER, "Bo", "ana")  # a handover
    change = DeployChange(DeployKind.ROLLBACK, "v1.4.2", "v1.5.0", "payments", "bad migration")
    record_deploy(store, incident, change, "cy")
    sent = messages.send_message(store, messages.compose(store, incident), author="ana")
    (target_view,) = list_targets(store)
    with store.write() as session:
        session.add(
            ConnectorState(
                incident_id=get_incident(store, incident).id,
                target_id=target_view.id,
                state={"thread": "T-1", "posted": 1},
                updated_at=utc_now(),
            )
        )

    raw = export_incident(store, incident, "json", GENERATED_AT)
    document = json.loads(raw)

    assert stored_secret(store, target) == SECRET  # configured, so it could leak
    assert SECRET.encode() not in raw
    checked = [i for i in document["checklist"] if i["checked_at"]]
    assert [(i["text"], i["checked_by"], i["auto_reason"]) for i in checked] == [
        (items[0].text, "ana", None),
        ("Assign an Incident Commander", "app", "IC assigned"),
        ("Roll back to the last known good version", "app", "rollback recorded"),
    ]
    assert len(document["checklist"]) == len(items)
    assignments = document["roles"]["assignments"]
    assert [(a["role"], a["person"], bool(a["ended_at"])) for a in assignments] == [
        ("ic", "Ana", True),
        ("ic", "Bo", False),
    ]
    (handover,) = document["roles"]["handovers"]
    assert (handover["role"], handover["from"], handover["to"]) == ("ic", "Ana", "Bo")
    (deploy,) = document["rollbacks_and_hotfixes"]
    assert (deploy["kind"], deploy["what"], deploy["from_version"], deploy["to_version"]) == (
        "rollback",
        "payments",
        "v1.5.0",
        "v1.4.2",
    )
    assert deploy["by"] == "cy" and deploy["note"] == "bad migration"
    (message,) = document["communications"]["messages"]
    assert (message["id"], message["headline"]) == (sent.id, "[INCIDENT] Checkout errors")
    assert message["fields"] and message["status"] == "investigating"
    (delivery,) = message["deliveries"]
    assert (delivery["target"], delivery["state"]) == (target, "pending")
    (exported_target,) = document["communications"]["targets"]
    assert exported_target == {
        "name": target,
        "kind": target_view.kind,
        "base_url": target_view.base_url,
        "audience": "internal",
        "connector_state": {"posted": 1, "thread": "T-1"},
    }
    # The same store exports the same bytes.
    assert export_incident(store, incident, "json", GENERATED_AT) == raw
