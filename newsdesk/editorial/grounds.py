"""The grounds on which an article can be reported and taken down.

Defined by the editorial app, which takes articles down and shows the takedown notice (the 451
page); the reports app's forms use them too, so that a ground has one name and one label
everywhere.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    COPYRIGHT = "copyright", _("Copyright infringement")
    DEFAMATION = "defamation", _("Defamation")
    PRIVACY = "privacy", _("Privacy violation")
    HATE = "hate", _("Hate or violence")
    SPAM = "spam", _("Spam")
