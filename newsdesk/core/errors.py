"""Errors that actions raise and views turn into messages (never into a 500)."""

from django.core.exceptions import ValidationError


class ActionRefused(ValidationError):
    """An action was asked for something its rules do not allow; the message says why."""
