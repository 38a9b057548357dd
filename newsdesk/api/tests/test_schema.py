"""The OpenAPI schema is valid OpenAPI 3.1 and the docs page needs nothing from a CDN."""

import re

import pytest
import yaml
from django.test import Client
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_1():
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.1.0"
    validate(schema, cls=OpenAPIV31SpecValidator)
    assert {
        "/api/v1/articles/",
        "/api/v1/articles/{ref}/",
        "/api/v1/authors/",
        "/api/v1/sections/",
        "/api/v1/tags/",
        "/api/v1/newsletters/",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}
    assert {"lang", "section", "tag", "author", "q", "limit", "offset"} <= parameters


def test_the_schema_as_json():
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.json()["openapi"] == "3.1.0"


def test_the_docs_page_loads_only_our_own_files():
    client = Client()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_design_md_schema_address_redirects_to_the_current_version(client):
    response = client.get("/api/schema/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/schema/"
