"""Editors' decisions on replies from the Fediverse: approve (shown under the article) or
reject. Either one purges the article's cached page, before the response goes out."""

from django.db import transaction
from django.utils import timezone

from newsdesk.articles.cache_tags import article_tag
from newsdesk.core import page_cache
from newsdesk.federation.models import Reply

DECISIONS = {"approve": Reply.State.APPROVED, "reject": Reply.State.REJECTED}


@transaction.atomic
def decide_reply(*, reply: Reply, decision: str, editor) -> Reply:
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    reply.state = DECISIONS[decision]
    reply.decided_by = editor
    reply.decided_at = timezone.now()
    reply.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    article_id = reply.article_id
    transaction.on_commit(lambda: page_cache.purge({article_tag(article_id)}))
    return reply
