import factory
from django.utils import timezone

from newsdesk.newsletter.models import Issue, IssueArticle, Newsletter, Subscriber, Subscription


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test letter {n}")
    slug = factory.Sequence(lambda n: f"test-letter-{n}")
    description = "Everything that matters, once a week."
    language = "de"
    from_email = "letters@example.org"
    from_name = "newsdesk"


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "de"

    class Params:
        suppressed = factory.Trait(
            suppressed_at=factory.LazyFunction(timezone.now), suppressed_reason="5.1.1 no mailbox"
        )


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    newsletter = factory.SubFactory(NewsletterFactory)
    status = Subscription.Status.PENDING

    class Params:
        confirmed = factory.Trait(
            status=Subscription.Status.CONFIRMED,
            confirmed_at=factory.LazyFunction(timezone.now),
            confirmed_ip="192.0.2.1",
            consent_version="2026-11-26",
        )


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue
        skip_postgeneration_save = True

    newsletter = factory.SubFactory(NewsletterFactory)
    subject = factory.Sequence(lambda n: f"Issue number {n}")
    intro = "Hello and welcome."
    status = Issue.Status.DRAFT

    class Params:
        sent = factory.Trait(
            status=Issue.Status.SENT,
            started_at=factory.LazyFunction(timezone.now),
            sent_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def with_articles(obj, create, extracted, **kwargs):
        """`IssueFactory(with_articles=[a, b])` puts the articles in that order."""
        for position, article in enumerate(extracted or ()):
            IssueArticle.objects.create(issue=obj, article=article, position=position)
