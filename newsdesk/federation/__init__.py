"""The Fediverse side of newsdesk (issue 14), first slice: discovery and actors.

What exists: WebFinger, NodeInfo 2.1, the site, each section and each opted-in author as an
ActivityPub actor (JSON-LD under /federation/actors/..., never content negotiation on HTML URLs),
each with an RSA 2048 key, a paged outbox of `Create{Article}` built from
articles.queries.visible_articles() only, a followers collection (its count), and the
`fediverse:creator` meta tag on article pages of opted-in authors.

What does not exist yet: the inboxes are published in the actor documents but do not process
anything. A POST to one answers 501 with a JSON body saying so (nothing is stored, no Follow is
accepted), a GET 405. No delivery, no HTTP signatures (signed GETs or POSTs), no Tombstones.
See docs/federation.md.
"""
