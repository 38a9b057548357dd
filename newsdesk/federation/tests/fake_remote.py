"""A fake remote server for the federation tests (pytest-httpserver on 127.0.0.1): its actor,
alice, has an RSA key of its own; `signed_post` signs an activity to our inbox as Mastodon does
(draft-cavage, the signing string written out by hand, not with newsdesk's code), and
`verify_by_hand` checks what we send back the way a remote server would."""

import base64
import email.utils
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SITE = "http://127.0.0.1:8000"
SITE_ACTOR = f"{SITE}/federation/actors/site"


@pytest.fixture(scope="module")
def remote_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def remote(httpserver_ipv4, remote_key, settings):
    """The fake server's actor, alice, served at /users/alice."""
    settings.FEDERATION_ALLOW_PRIVATE_TARGETS = True
    server = httpserver_ipv4
    alice = server.url_for("/users/alice")
    pem = (
        remote_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    server.expect_request("/users/alice", method="GET").respond_with_json(
        {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": alice,
            "type": "Person",
            "preferredUsername": "alice",
            "inbox": f"{alice}/inbox",
            "endpoints": {"sharedInbox": server.url_for("/inbox")},
            "publicKey": {"id": f"{alice}#main-key", "owner": alice, "publicKeyPem": pem},
        },
        content_type="application/activity+json",
    )
    server.expect_request("/users/alice/inbox", method="POST").respond_with_data("", status=202)
    return server


def signed_post(client, path, activity, key, key_id, *, date=None, body=None, digest_of=None):
    """POST `activity` signed as Mastodon signs: (request-target) host date digest."""
    body = json.dumps(activity).encode() if body is None else body
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(digest_of or body).digest()).decode()
    date = date or email.utils.formatdate(usegmt=True)
    string = f"(request-target): post {path}\nhost: testserver\ndate: {date}\ndigest: {digest}"
    signature = base64.b64encode(
        key.sign(string.encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()
    header = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="(request-target) host date digest",'
        f'signature="{signature}"'
    )
    return client.post(
        path,
        body,
        content_type="application/activity+json",
        headers={"host": "testserver", "date": date, "digest": digest, "signature": header},
    )


def follow_of(alice, target=SITE_ACTOR):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{alice}#follows/1",
        "type": "Follow",
        "actor": alice,
        "object": target,
    }


def verify_by_hand(request, public_pem: str) -> None:
    """The Accept's signature, checked the way a remote server would."""
    params = dict(part.split("=", 1) for part in request.headers["Signature"].split(","))
    params = {k: v.strip('"') for k, v in params.items()}
    assert params["keyId"] == f"{SITE_ACTOR}#main-key"
    assert params["headers"] == "(request-target) host date digest"
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(request.get_data()).digest()).decode()
    assert request.headers["Digest"] == digest
    string = (
        f"(request-target): post {request.path}\n"
        f"host: {request.headers['Host']}\n"
        f"date: {request.headers['Date']}\n"
        f"digest: {digest}"
    )
    key = serialization.load_pem_public_key(public_pem.encode())
    key.verify(
        base64.b64decode(params["signature"]), string.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def posts_to(server, path):
    return [r for r, _ in server.log if r.method == "POST" and r.path == path]
