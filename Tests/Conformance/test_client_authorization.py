"""Who may do what in a room's call: every route of the client calling API crossed with every kind
of caller, each answer checked against one table. The table below *is* the authorization policy.

Each cell runs in a room of its own, made with the Rooms SDK: an anchor Presenter starts the call,
an Attendee is in it to be muted or removed, another Attendee is on the roster to be invited, and
the caller is put in the state its column names before it calls the route.
"""

import time
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.communication.identity import CommunicationTokenScope
from azure.communication.rooms import CommunicationUserIdentifier, ParticipantRole, RoomParticipant

# Columns: the four roles (in the call); a Presenter demoted to Consumer mid-call; a user with an
# identity but off the roster; a member of another room; a member removed from the roster mid-call
# (the policy has dropped them); a revoked token. 403 off the roster, 403 for a missing capability,
# 401 for a token that no longer proves anyone.
POLICY = """
route                      Presenter Collaborator Attendee Consumer demoted offRoster otherRoom removed revoked
GET    ""                      200       200        200      200     200      403       403      403     401
GET    /events                 200       200        200      200     200      403       403      403     401
POST   /join                   200       200        200      200     200      403       403      403     401
POST   /leave                  200       200        200      200     200      403       403      403     401
POST   /microphone             200       200        200      403     403      403       403      403     401
POST   /video                  200       200        200      403     403      403       403      403     401
POST   /screenShare            200       200        403      403     403      403       403      403     401
POST   /participants/V/mute    200       403        403      403     403      403       403      403     401
DELETE /participants/V         200       403        403      403     403      403       403      403     401
POST   /invitations            200       403        403      403     403      403       403      403     401
POST   /dialOut                200       403        403      403     403      403       403      403     401
"""

ROLES = {"Presenter": ParticipantRole.PRESENTER, "Collaborator": ParticipantRole.COLLABORATOR,
         "Attendee": ParticipantRole.ATTENDEE, "Consumer": ParticipantRole.CONSUMER}


def parse_policy():
    lines = [line.split() for line in POLICY.strip().splitlines()]
    callers = lines[0][1:]
    table = {}
    for method, path, *statuses in lines[1:]:
        path = "" if path == '""' else path
        assert len(statuses) == len(callers), f"{method} {path}: {len(statuses)} statuses"
        for caller, status in zip(callers, statuses):
            table[(method, path, caller)] = int(status)
    return callers, table


def body_for(path, invitee):
    return {"/microphone": {"muted": False}, "/video": {"on": True}, "/screenShare": {"on": True},
            "/invitations": {"rawId": invitee.raw_id},
            "/dialOut": {"phoneNumber": "+14255550120"}}.get(path)


class Cell:
    """One room and its call, with the caller put in the state its column names."""

    def __init__(self, atrium, rooms, people, caller):
        self.atrium, self.rooms = atrium, rooms
        self.anchor, self.victim, self.invitee = people["anchor"], people["victim"], people["invitee"]
        self.subject = people[caller]
        now = datetime.now(timezone.utc)
        # (identity, token) and role.
        roster = [(self.anchor, ParticipantRole.PRESENTER), (self.victim, ParticipantRole.ATTENDEE),
                  (self.invitee, ParticipantRole.ATTENDEE)]
        if caller in ROLES:
            roster.append((self.subject, ROLES[caller]))
        elif caller in ("demoted", "removed"):
            roster.append((self.subject, ParticipantRole.PRESENTER))
        self.room = rooms.create_room(
            valid_from=now - timedelta(minutes=1), valid_until=now + timedelta(hours=1),
            pstn_dial_out_enabled=True,
            participants=[RoomParticipant(communication_identifier=person[0], role=role)
                          for person, role in roster])
        in_call = caller in ROLES or caller in ("demoted", "removed")
        for person in [self.anchor, self.victim] + ([self.subject] if in_call else []):
            joined = self.call("POST", "/join", person)
            assert joined.status_code == 200, joined.text
        if caller == "demoted":
            rooms.add_or_update_participants(room_id=self.room.id, participants=[
                RoomParticipant(communication_identifier=self.subject[0], role=ParticipantRole.CONSUMER)])
            self.wait_for(lambda state: self.role_in_call(state) == "Consumer", "the demotion")
        if caller == "removed":
            rooms.remove_participants(room_id=self.room.id, participants=[self.subject[0]])
            self.wait_for(lambda state: self.role_in_call(state) is None, "the removal")

    def call(self, method, path, person, body=None, stream=False):
        url = f"{self.atrium.base_url}/client/rooms/{self.room.id}/call{path}"
        return requests.request(method, url, headers={"Authorization": f"Bearer {person[1]}"}, json=body,
                                timeout=10, stream=stream)

    def role_in_call(self, state):
        for participant in state["participants"]:
            if participant["identifier"]["rawId"] == self.subject[0].raw_id:
                return participant["role"]
        return None

    def wait_for(self, condition, what):
        for _ in range(200):
            state = self.call("GET", "", self.anchor)
            assert state.status_code == 200, state.text
            if condition(state.json()):
                return
        pytest.fail(f"the call never showed {what}")


@pytest.fixture(scope="module")
def people(identities, client):
    def user():
        identity, token = identities.create_user_and_token(scopes=[CommunicationTokenScope.VOIP])
        return identity, token.token

    people = {name: user() for name in ["anchor", "victim", "invitee", "offRoster", "otherRoom", "demoted",
                                        "removed", "revoked"] + list(ROLES)}
    now = datetime.now(timezone.utc)
    client.create_room(valid_from=now - timedelta(minutes=1), valid_until=now + timedelta(hours=1),
                       participants=[RoomParticipant(communication_identifier=people["otherRoom"][0],
                                                     role=ParticipantRole.PRESENTER)])
    identities.revoke_tokens(people["revoked"][0])
    return people


def test_every_client_route_answers_every_kind_of_caller_as_the_policy_says(atrium, client, people):
    callers, table = parse_policy()
    mismatches = []
    for (method, path, caller), expected in table.items():
        cell = Cell(atrium, client, people, caller)
        route = path.replace("V", urllib.parse.quote(cell.victim[0].raw_id, safe=""))
        with cell.call(method, route, cell.subject, body_for(path, cell.invitee[0]),
                       stream=path == "/events") as response:
            status = response.status_code
            if status == expected and status >= 400:
                error = response.json()["error"]
                assert response.headers["x-ms-error-code"] == error["code"], (method, path, caller)
                assert "participants" not in response.text, f"{method} {path} leaked the call to {caller}"
                if status == 403 and caller not in ROLES and caller != "demoted":
                    assert error["target"] == "participant", (method, path, caller, error)
                if status == 403 and (caller in ROLES or caller == "demoted"):
                    assert error["details"][0]["code"] == "MissingCapability", (method, path, caller, error)
            if status != expected:
                mismatches.append(f"{method} {path or '/'} as {caller}: {status}, policy says {expected}"
                                  f" ({response.text[:160] if path != '/events' else ''})")
    assert not mismatches, "\n".join(mismatches)


def test_a_caller_refused_changes_nothing(atrium, client, people):
    """Off the roster, a leave or a mute is refused before any command: the call is as it was."""
    cell = Cell(atrium, client, people, "offRoster")
    before = cell.call("GET", "", cell.anchor).json()
    victim = urllib.parse.quote(cell.victim[0].raw_id, safe="")
    assert cell.call("POST", "/leave", cell.subject).status_code == 403
    assert cell.call("POST", f"/participants/{victim}/mute", cell.subject).status_code == 403
    assert cell.call("GET", "", cell.anchor).json() == before


def test_a_feed_ends_when_its_reader_is_taken_off_the_roster(atrium, client, people):
    cell = Cell(atrium, client, people, "Attendee")
    with cell.call("GET", "/events", cell.subject, stream=True) as feed:
        assert feed.status_code == 200
        client.remove_participants(room_id=cell.room.id, participants=[cell.subject[0]])
        removed_at = time.monotonic()
        lines = list(feed.iter_lines(decode_unicode=True))  # returns once the server ends the feed
    assert time.monotonic() - removed_at < 5, "the feed outlived its reader's place on the roster"
    assert ": the feed is for the room's roster" in lines
