"""Infrastructure only (STYLE.md): tells the apps above accounts (discovery's search index) that
an author's byline changed, without accounts importing them."""

from django.dispatch import Signal

# Sent after commit with `author_id` when an author's display name changed.
author_renamed = Signal()
