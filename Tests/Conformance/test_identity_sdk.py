"""Identity through the official SDK (azure-communication-identity 1.5.0), unchanged.

No user-facing route takes a user token yet, so a token's validity is checked the way a client
(or Atrium's UserTokenAuthenticator) would see it: the SDK's own token parsing, and the HS256
signature under the documented key derivation, HMAC-SHA256(access key bytes, "atrium user tokens v1").
"""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from azure.communication.identity import (CommunicationIdentityClient, CommunicationTokenScope,
                                          CommunicationUserIdentifier)
from azure.communication.identity._shared.user_credential import CommunicationTokenCredential
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from acs_values import close, now, parse_ts

USER_ID = re.compile(r"^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$")


@pytest.fixture(scope="module")
def identity(atrium):
    # The sync client of 1.5.0 is not a context manager (no __enter__/close).
    return CommunicationIdentityClient(atrium.base_url, AzureKeyCredential(atrium.key))


def payload_of(token):
    """The claims, decoded exactly as the SDK decodes them: the *standard* base64 alphabet."""
    segment = token.split(".")[1]
    assert "-" not in segment and "_" not in segment, segment
    return json.loads(base64.b64decode(segment + "==").decode("ascii"))


def assert_signed_by(atrium, token):
    key = hmac.new(base64.b64decode(atrium.key), b"atrium user tokens v1", hashlib.sha256).digest()
    header, payload, signature = token.split(".")
    expected = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "HS256"


def assert_token(atrium, user, token, scopes, lifetime):
    before = now()
    assert_signed_by(atrium, token.token)
    claims = payload_of(token.token)
    assert claims["skypeid"] == user.properties["id"][2:]
    assert claims["acsScope"].split(",") == scopes
    assert user.properties["id"].startswith(f"8:acs:{claims['resourceId']}_")
    assert claims["exp"] - claims["iat"] == int(lifetime.total_seconds())
    assert claims["jti"]
    # expires_on is the service's string, handed through by the SDK.
    assert close(parse_ts(token.expires_on), before + lifetime, seconds=15), token.expires_on
    assert abs(claims["exp"] - parse_ts(token.expires_on).timestamp()) < 1.5
    # The chat and calling SDKs read expiry through this credential: it must parse our tokens.
    with CommunicationTokenCredential(token.token) as credential:
        assert credential.get_token().expires_on == claims["exp"]


def test_create_user(identity):
    user = identity.create_user()
    assert isinstance(user, CommunicationUserIdentifier)
    assert USER_ID.match(user.properties["id"]), user.properties["id"]
    assert user.raw_id == user.properties["id"]
    assert identity.create_user().properties["id"] != user.properties["id"]


def test_create_user_and_token(atrium, identity):
    user, token = identity.create_user_and_token([CommunicationTokenScope.CHAT, CommunicationTokenScope.VOIP])
    assert USER_ID.match(user.properties["id"])
    assert_token(atrium, user, token, ["chat", "voip"], timedelta(hours=24))

    user, token = identity.create_user_and_token(["voip.join"], token_expires_in=timedelta(minutes=60))
    assert_token(atrium, user, token, ["voip.join"], timedelta(minutes=60))


def test_get_token_with_scopes_and_lifetimes(atrium, identity):
    user = identity.create_user()
    for scopes, lifetime in [
        (["chat"], None),
        (["chat.join", "chat.join.limited"], timedelta(hours=1)),
        (["voip", "voip.join"], timedelta(hours=13, minutes=30)),
        ([s.value for s in CommunicationTokenScope], timedelta(hours=24)),
    ]:
        kwargs = {} if lifetime is None else {"token_expires_in": lifetime}
        token = identity.get_token(user, scopes, **kwargs)
        assert_token(atrium, user, token, scopes, lifetime or timedelta(hours=24))


def test_revoke_tokens_then_issue_again(identity):
    user, token = identity.create_user_and_token(["chat"])
    assert identity.revoke_tokens(user) is None
    assert identity.revoke_tokens(user) is None  # revoking again is fine
    fresh = identity.get_token(user, ["chat"])
    assert fresh.token != token.token
    assert payload_of(fresh.token)["jti"] != payload_of(token.token)["jti"]


def test_delete_user(identity):
    user = identity.create_user()
    identity.get_token(user, ["voip"])
    assert identity.delete_user(user) is None
    with pytest.raises(ResourceNotFoundError) as info:
        identity.get_token(user, ["voip"])
    assert info.value.status_code == 404 and info.value.error.code == "NotFound"
    for operation in (identity.revoke_tokens, identity.delete_user):
        with pytest.raises(ResourceNotFoundError):
            operation(user)


def test_unknown_user_is_not_found(identity):
    stranger = CommunicationUserIdentifier("8:acs:00000000-0000-0000-0000-000000000000_nobody")
    with pytest.raises(ResourceNotFoundError):
        identity.get_token(stranger, ["chat"])
    with pytest.raises(ResourceNotFoundError):
        identity.revoke_tokens(stranger)
    with pytest.raises(ResourceNotFoundError):
        identity.delete_user(stranger)


@pytest.mark.parametrize("lifetime", [timedelta(minutes=59), timedelta(hours=24, minutes=1),
                                      timedelta(minutes=0), timedelta(days=-1)])
def test_token_lifetime_out_of_range(identity, lifetime):
    user = identity.create_user()
    for call in (lambda: identity.get_token(user, ["chat"], token_expires_in=lifetime),
                 lambda: identity.create_user_and_token(["chat"], token_expires_in=lifetime)):
        with pytest.raises(HttpResponseError) as info:
            call()
        assert info.value.status_code == 400, str(info.value)
        assert info.value.error.code == "BadRequest"
        assert info.value.error.target == "expiresInMinutes"
        assert "60" in info.value.error.message and "1440" in info.value.error.message


@pytest.mark.parametrize("scopes", [[], ["admin"], ["chat", "Voip"]])
def test_bad_scopes(identity, scopes):
    user = identity.create_user()
    for call in (lambda: identity.get_token(user, scopes),
                 lambda: identity.create_user_and_token(scopes)):
        with pytest.raises(HttpResponseError) as info:
            call()
        assert info.value.status_code == 400, str(info.value)
        assert info.value.error.target == "scopes"


def test_wrong_key_is_unauthorized(atrium):
    wrong = base64.b64encode(b"\x01" * 32).decode()
    client = CommunicationIdentityClient(atrium.base_url, AzureKeyCredential(wrong))
    with pytest.raises(HttpResponseError) as info:
        client.create_user()
    assert info.value.status_code == 401


def test_older_api_version(atrium):
    client = CommunicationIdentityClient(atrium.base_url, AzureKeyCredential(atrium.key),
                                         api_version="2022-10-01")
    user, token = client.create_user_and_token(["chat"])
    client.revoke_tokens(user)
    client.delete_user(user)
