import pytest

from newsdesk.editorial.models import GuidelinesVersion


@pytest.fixture(autouse=True)
def guidelines(request):
    """Version 1 of the guidelines, as the data migration creates it (transactional tests
    flush the tables, migration data included)."""
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return None
    request.getfixturevalue("_django_db_helper")
    return GuidelinesVersion.objects.get_or_create(
        number=1, defaults={"body_de": "Regeln", "body_en": "Rules"}
    )[0]
