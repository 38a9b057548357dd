"""Listening to core.events in tests: what was announced, and whether inside a transaction."""

import contextlib
from dataclasses import dataclass

from django.db import connection

from newsdesk.core import events


@dataclass
class Heard:
    type: str
    current: dict | None
    previous: dict | None
    in_transaction: bool


@contextlib.contextmanager
def listening():
    """Yields the list of events announced inside the block, in order."""
    heard: list[Heard] = []

    def receive(sender, *, type, current, previous, created_at, **kwargs):
        heard.append(Heard(type, current, previous, connection.in_atomic_block))

    events.event.connect(receive, weak=False, dispatch_uid="tests-listening")
    try:
        yield heard
    finally:
        events.event.disconnect(dispatch_uid="tests-listening")


def types(heard: list[Heard]) -> list[str]:
    return [h.type for h in heard]
