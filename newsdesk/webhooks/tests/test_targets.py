"""Where webhooks may go: http(s) to public addresses only, checked at registration and at
every delivery, and the connection made to the address that was checked."""

import socket

import pytest

from newsdesk.webhooks import targets
from newsdesk.webhooks.models import Attempt, Delivery
from newsdesk.webhooks.tests.conftest import emit_committed, make_endpoint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1/hook",
            "Webhooks are not sent to 127.0.0.1: 127.0.0.1 is a loopback address.",
        ),
        (
            "https://10.0.0.1/",
            "Webhooks are not sent to 10.0.0.1: 10.0.0.1 is a private address.",
        ),
        (
            "http://169.254.169.254/latest/meta-data/",
            "Webhooks are not sent to 169.254.169.254: 169.254.169.254 is a link-local address.",
        ),
        ("http://[::1]:8080/", "Webhooks are not sent to ::1: ::1 is a loopback address."),
        (
            "http://[::ffff:127.0.0.1]/",
            "Webhooks are not sent to ::ffff:127.0.0.1: ::ffff:127.0.0.1 is a loopback address.",
        ),
        ("http://0.0.0.0/", "Webhooks are not sent to 0.0.0.0: 0.0.0.0 is an unspecified address."),
        (
            "http://192.168.1.20/",
            "Webhooks are not sent to 192.168.1.20: 192.168.1.20 is a private address.",
        ),
        (
            "http://100.64.0.1/",
            "Webhooks are not sent to 100.64.0.1: 100.64.0.1 is a reserved address.",
        ),
        (
            "http://224.0.0.1/",
            "Webhooks are not sent to 224.0.0.1: 224.0.0.1 is a multicast address.",
        ),
        ("http://[fd00::1]/", "Webhooks are not sent to fd00::1: fd00::1 is a private address."),
        ("http://[fe80::1]/", "Webhooks are not sent to fe80::1: fe80::1 is a link-local address."),
        ("ftp://example.org/", "Webhook URLs must start with http:// or https://."),
        ("file:///etc/passwd", "Webhook URLs must start with http:// or https://."),
        ("http:///nohost", "The URL has no host name."),
        ("http://example.org:99999/", "This is not a valid URL."),
        (
            "https://user:pw@example.org/",
            "Put no user name or password in the URL; the signature says who sends.",
        ),
    ],
)
def test_refused_targets(url, message):
    with pytest.raises(targets.TargetRefused) as refused:
        make_endpoint(url)
    assert refused.value.messages == [message]


def test_a_name_resolving_to_loopback_is_refused():
    """localhost resolves to 127.0.0.1 (and ::1): refused like the address itself."""
    with pytest.raises(targets.TargetRefused) as refused:
        targets.check("http://localhost:8000/hook")
    assert refused.value.messages[0].startswith("Webhooks are not sent to localhost: ")
    assert "is a loopback address." in refused.value.messages[0]


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    """One public and one private answer: refused, whichever would be tried first."""

    def answers(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(targets.socket, "getaddrinfo", answers)
    with pytest.raises(targets.TargetRefused) as refused:
        targets.check("https://hooks.example.com/x")
    assert refused.value.messages == [
        "Webhooks are not sent to hooks.example.com: 10.1.2.3 is a private address."
    ]


def test_public_addresses_pass_and_keep_path_and_query():
    target = targets.check("https://93.184.215.14:8443/in/hook?key=1")
    assert target == targets.Target(
        "https", "93.184.215.14", 8443, "/in/hook?key=1", "93.184.215.14"
    )
    assert targets.check("http://[2606:4700::1111]/").address == "2606:4700::1111"


def test_an_unresolvable_name_is_refused(monkeypatch):
    def fails(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(targets.socket, "getaddrinfo", fails)
    with pytest.raises(targets.TargetRefused) as refused:
        targets.check("https://no-such-host.example/")
    assert refused.value.messages == ["The host name no-such-host.example could not be resolved."]


def test_the_setting_allows_private_targets(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert targets.check("http://127.0.0.1:9/x").address == "127.0.0.1"
    with pytest.raises(targets.TargetRefused):
        targets.check("gopher://127.0.0.1/")  # the scheme is still checked


def test_checked_again_at_delivery(receiver, settings, django_capture_on_commit_callbacks):
    """Registered while allowed, then the setting is off: the attempt is refused before any
    connection, and recorded with the reason."""
    make_endpoint(receiver.url_for("/hook"))
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    emit_committed(django_capture_on_commit_callbacks)
    assert receiver.log == []
    attempt = Attempt.objects.get()
    assert attempt.error == "Webhooks are not sent to 127.0.0.1: 127.0.0.1 is a loopback address."
    assert attempt.response_status is None
    assert Delivery.objects.get().state == "pending"


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(
    receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The name is resolved by the check only; the request goes to the checked address with
    the name in the Host header. A third answer (a rebinding to another address) would be
    unroutable: it is never asked for."""
    settings.WEBHOOKS_TIMEOUT = 1
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.1", "10.255.255.1"])
    asked = []

    def resolve(host, port, *args, **kwargs):
        if host != "hooks.example.test":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = make_endpoint(f"http://hooks.example.test:{receiver.port}/hook")  # 1st answer
    emit_committed(django_capture_on_commit_callbacks)  # 2nd answer, at the delivery
    (request, _response), = receiver.log  # fmt: skip
    assert request.headers["Host"] == f"hooks.example.test:{receiver.port}"
    assert asked == ["hooks.example.test", "hooks.example.test"]
    assert Delivery.objects.get(endpoint=endpoint).state == "delivered"
