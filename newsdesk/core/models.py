from django.db import models


class TimestampedModel(models.Model):
    """Base for newsdesk tables: creation and update times, both aware."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
