import factory

from newsdesk.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Writer {n}")
    role = User.Role.CONTRIBUTOR
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    class Params:
        editor = factory.Trait(role=User.Role.EDITOR, is_staff=True)
        admin = factory.Trait(role=User.Role.ADMIN, is_staff=True, is_superuser=True)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# The roles every permission matrix is written for, in its column order.
ROLES = ("anonymous", "contributor", "editor", "admin")
_TRAITS = {"contributor": {}, "editor": {"editor": True}, "admin": {"admin": True}}


def user_for_role(role: str, **fields):
    """A user of `role` (AnonymousUser for "anonymous")."""
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    return UserFactory(**_TRAITS[role], **fields)
