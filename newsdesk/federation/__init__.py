"""The Fediverse side of newsdesk (issue 14), between webhooks and api in the layers.

WebFinger, NodeInfo 2.1, the site, each section and each opted-in author as ActivityPub actors
with RSA keys (documents.py, views.py); HTTP signatures both ways (signatures.py); inboxes that
verify and act on Follow, Undo, Like, Announce, replies, account deletions and Flags (inbox.py,
actions.py); an outbox that turns article events into signed deliveries to followers' shared
inboxes (outbound.py, delivery.py, tasks.py). See docs/federation.md.
"""
