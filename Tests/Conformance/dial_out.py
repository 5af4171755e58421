"""What the telephony tests share: a room call ready to dial out, and its audit trail."""

from azure.communication.callautomation import CallAutomationClient
from azure.communication.identity import CommunicationIdentityClient
from azure.communication.rooms import ParticipantRole, RoomsClient
from azure.core.credentials import AzureKeyCredential

from atrium_process import AtriumServer
from publishing import call_action, create_room, new_member


def trunk_args(trunk_port, rtp_ports):
    """`serve`'s options for phone legs through a SIP trunk at 127.0.0.1:`trunk_port` (SIPp or baresip
    playing it), RTP on `rtp_ports` ("low-high", below 32768)."""
    return ["--sip-trunk", f"sip:127.0.0.1:{trunk_port}", "--sip-listen", "127.0.0.1:0", "--rtp-ports", rtp_ports]


def trunked_server(trunk_port, rtp_ports):
    """A server of its own, started, whose phone legs go to the trunk; stopped by the caller."""
    server = AtriumServer(args=trunk_args(trunk_port, rtp_ports))
    server.start()
    return server


def connected_call(server, callback_url):
    """A room (PSTN dial-out enabled) whose call has a presenter in it and a server connection sending
    its callbacks to `callback_url`: the call connection, with `server_call_id` and `connection_id` set
    on it (the SDK's client keeps neither where a test can read it)."""
    identities = CommunicationIdentityClient(server.base_url, AzureKeyCredential(server.key))
    rooms = RoomsClient(server.base_url, AzureKeyCredential(server.key))
    presenter, token = new_member(identities)
    room = create_room(rooms, [(presenter, ParticipantRole.PRESENTER)])
    rooms.update_room(room_id=room.id, pstn_dial_out_enabled=True)
    call_action(server, room.id, "join", token)
    automation = CallAutomationClient(server.base_url, AzureKeyCredential(server.key))
    connection = automation.connect_call(room_id=room.id, callback_url=callback_url)
    call = automation.get_call_connection(connection.call_connection_id)
    call.server_call_id = connection.server_call_id
    call.connection_id = connection.call_connection_id
    return call


def audit(server, call_id):
    """The call's audit trail, as any node serves it."""
    resp = server.signed_request("GET", f"/audit/streams/call-{call_id}/events?api-version=2025-06-01")
    assert resp.status_code == 200, resp.text
    return resp.json()["value"]
