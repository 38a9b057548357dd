"""Webhook endpoints and their deliveries, for admins (token scope `webhooks:manage`).

The same doors as the web pages (webhooks.views): the token's scope first (api.scopes), then
webhooks.permissions.access_* (admins only; "not found" for everyone else), every write through
webhooks.actions. An endpoint's secret is in the answer that makes it and in the one that
rotates it, never in a list or a read. What an action refuses is a 400 (a URL that may not be
used, with the reason) or a 409 (a delivery still on its way, a disabled endpoint).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from newsdesk.api.endpoints.report_serializers import check_query
from newsdesk.api.pagination import PAGE_PARAMETERS
from newsdesk.api.problems import PROBLEM_JSON, refusal_response
from newsdesk.api.queries import ID_DIGITS
from newsdesk.api.views import PROBLEM, ApiView, _page_of, problems
from newsdesk.core.errors import ActionRefused
from newsdesk.core.events import EVENT_TYPES
from newsdesk.webhooks import actions, queries
from newsdesk.webhooks.models import Attempt, Delivery, Endpoint
from newsdesk.webhooks.permissions import (
    access_delivery_for_managing,
    access_endpoint_for_managing,
    access_endpoints_for_managing,
)

ID_SCHEMA = {"type": "integer", "minimum": 1}
ENDPOINT_PARAMETER = OpenApiParameter("endpoint_id", ID_SCHEMA, OpenApiParameter.PATH)
DELIVERY_PARAMETER = OpenApiParameter("delivery_id", ID_SCHEMA, OpenApiParameter.PATH)
SCOPE = "webhooks:manage"


def _id(value: int) -> int:
    # A longer "id" is no row, and would overflow the database's integer.
    if len(str(value)) > ID_DIGITS:
        raise Http404("No such endpoint")
    return value


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENT_TYPES)))
    deliveries_url = serializers.SerializerMethodField()

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "enabled",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "last_success_at",
            "created_at",
            "deliveries_url",
        ]

    def get_deliveries_url(self, endpoint) -> str:
        return f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/"


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        help_text="whsec_...: verify each request's webhook-signature with it"
        " (Standard Webhooks). Shown only here."
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class EndpointWriteSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENT_TYPES)), allow_empty=False
    )
    enabled = serializers.BooleanField(
        required=False, help_text="false stops deliveries; true resumes them (PATCH only)"
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = [
            "number",
            "started_at",
            "latency_ms",
            "request_headers",
            "response_status",
            "response_headers",
            "response_body",
            "error",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(help_text="the webhook-id header and the body's id")
    event_type = serializers.CharField(source="event.type")
    request_body = serializers.CharField(source="event.body", help_text="the JSON body sent")
    attempt_log = AttemptSerializer(source="attempt_set", many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "state",
            "attempts",
            "next_attempt_at",
            "last_status",
            "last_error",
            "delivered_at",
            "created_at",
            "request_body",
            "attempt_log",
        ]


def _written(function, **kwargs):
    """An action's refusal of a URL or of events as the 400 it is."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError(exc.message_dict) from None
        raise serializers.ValidationError({"url": exc.messages}) from None


def _conflict(exc: ActionRefused) -> Response:
    return refusal_response(exc)


class EndpointList(ApiView):
    """Every webhook endpoint, oldest first; POST registers one (its URL is resolved and must
    be a public address) and answers with its secret."""

    serializer_class = EndpointSerializer
    required_scopes = {"GET": SCOPE, "POST": SCOPE}

    @extend_schema(
        operation_id="webhook_endpoints_list",
        parameters=PAGE_PARAMETERS,
        responses={200: _page_of(EndpointSerializer), **problems(400, 401, 403, 404, 429)},
    )
    def get(self, request):
        access_endpoints_for_managing(request.user)
        check_query(request, set())
        return self.respond_with_page(request, Endpoint.objects.order_by("pk"), EndpointSerializer)

    @extend_schema(
        operation_id="webhook_endpoints_create",
        request=EndpointWriteSerializer,
        examples=[
            OpenApiExample(
                "A receiver for publications and takedowns",
                request_only=True,
                value={
                    "url": "https://hooks.example.org/newsdesk",
                    "description": "the archive's mirror",
                    "events": ["article.published", "article.updated", "article.taken_down"],
                },
            )
        ],
        responses={
            201: EndpointWithSecretSerializer,
            **problems(400, 401, 403, 404, 415, 429),
        },
    )
    def post(self, request):
        access_endpoints_for_managing(request.user)
        data = EndpointWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "enabled"}
        endpoint = _written(actions.create_endpoint, created_by=request.user, **fields)
        return Response(EndpointWithSecretSerializer(endpoint).data, status=201)


class EndpointDetail(ApiView):
    """One endpoint; PATCH changes its URL, description, events or whether it is enabled;
    DELETE removes it with its deliveries."""

    serializer_class = EndpointSerializer
    required_scopes = {"GET": SCOPE, "PATCH": SCOPE, "DELETE": SCOPE}

    @extend_schema(
        operation_id="webhook_endpoints_retrieve",
        parameters=[ENDPOINT_PARAMETER],
        responses={200: EndpointSerializer, **problems(401, 403, 404, 429)},
    )
    def get(self, request, endpoint_id):
        endpoint = access_endpoint_for_managing(request.user, _id(endpoint_id))
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_endpoints_partial_update",
        parameters=[ENDPOINT_PARAMETER],
        request=EndpointWriteSerializer(partial=True),
        responses={200: EndpointSerializer, **problems(400, 401, 403, 404, 415, 429)},
    )
    def patch(self, request, endpoint_id):
        endpoint = access_endpoint_for_managing(request.user, _id(endpoint_id))
        data = EndpointWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        if {"url", "description", "events"} & set(given):
            _written(
                actions.update_endpoint,
                endpoint=endpoint,
                url=given.get("url", endpoint.url),
                events=given.get("events", endpoint.events),
                description=given.get("description", endpoint.description),
            )
        if given.get("enabled") is True and not endpoint.enabled:
            _written(actions.enable_endpoint, endpoint=endpoint)
        elif given.get("enabled") is False and endpoint.enabled:
            actions.disable_endpoint(
                endpoint_id=endpoint.pk, reason=f"Disabled by {request.user}.", notify=False
            )
        endpoint.refresh_from_db()
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_endpoints_destroy",
        parameters=[ENDPOINT_PARAMETER],
        responses={204: None, **problems(401, 403, 404, 429)},
    )
    def delete(self, request, endpoint_id):
        endpoint = access_endpoint_for_managing(request.user, _id(endpoint_id))
        actions.delete_endpoint(endpoint=endpoint)
        return Response(status=204)


class EndpointRotateSecret(ApiView):
    """A new secret; the old one goes on signing beside it for 24 hours."""

    serializer_class = EndpointWithSecretSerializer
    required_scopes = {"POST": SCOPE}

    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        parameters=[ENDPOINT_PARAMETER],
        request=None,
        responses={200: EndpointWithSecretSerializer, **problems(401, 403, 404, 429)},
    )
    def post(self, request, endpoint_id):
        endpoint = access_endpoint_for_managing(request.user, _id(endpoint_id))
        endpoint = actions.rotate_secret(endpoint=endpoint)
        return Response(EndpointWithSecretSerializer(endpoint).data)


class EndpointTest(ApiView):
    """Sends a `webhook.test` event to this endpoint alone; 202 with its delivery."""

    serializer_class = DeliverySerializer
    required_scopes = {"POST": SCOPE}

    @extend_schema(
        operation_id="webhook_endpoints_test",
        parameters=[ENDPOINT_PARAMETER],
        request=None,
        responses={
            202: DeliverySerializer,
            **problems(401, 403, 404, 429),
            (409, PROBLEM_JSON): OpenApiResponse(
                PROBLEM.response, description="the endpoint is disabled"
            ),
        },
    )
    def post(self, request, endpoint_id):
        endpoint = access_endpoint_for_managing(request.user, _id(endpoint_id))
        try:
            delivery = actions.send_test(endpoint=endpoint, user=request.user)
        except ActionRefused as exc:
            return _conflict(exc)
        return Response(_delivery_data(delivery.pk), status=202)


def _delivery_data(delivery_id: int) -> dict:
    delivery = (
        Delivery.objects.select_related("event").prefetch_related("attempt_set").get(pk=delivery_id)
    )
    return DeliverySerializer(delivery).data


class DeliveryList(ApiView):
    """The endpoint's deliveries, newest first, each with its attempts (request headers,
    response status, headers and the start of the body, latency, error)."""

    serializer_class = DeliverySerializer
    required_scopes = {"GET": SCOPE}

    @extend_schema(
        operation_id="webhook_deliveries_list",
        parameters=[ENDPOINT_PARAMETER, *PAGE_PARAMETERS],
        responses={200: _page_of(DeliverySerializer), **problems(400, 401, 403, 404, 429)},
    )
    def get(self, request, endpoint_id):
        endpoint = access_endpoint_for_managing(request.user, _id(endpoint_id))
        check_query(request, set())
        return self.respond_with_page(request, queries.deliveries_of(endpoint), DeliverySerializer)


class DeliveryRedeliver(ApiView):
    """The delivery's event again (same body and webhook-id), as a new delivery; 202."""

    serializer_class = DeliverySerializer
    required_scopes = {"POST": SCOPE}

    @extend_schema(
        operation_id="webhook_deliveries_redeliver",
        parameters=[ENDPOINT_PARAMETER, DELIVERY_PARAMETER],
        request=None,
        responses={
            202: DeliverySerializer,
            **problems(401, 403, 404, 429),
            (409, PROBLEM_JSON): OpenApiResponse(
                PROBLEM.response,
                description="the delivery is still on its way, or the endpoint is disabled",
            ),
        },
    )
    def post(self, request, endpoint_id, delivery_id):
        delivery = access_delivery_for_managing(request.user, _id(endpoint_id), _id(delivery_id))
        try:
            again = actions.redeliver(delivery=delivery)
        except ActionRefused as exc:
            return _conflict(exc)
        return Response(_delivery_data(again.pk), status=202)


urlpatterns = [
    path("webhooks/endpoints/", EndpointList.as_view(), name="webhook-endpoints"),
    path(
        "webhooks/endpoints/<int:endpoint_id>/",
        EndpointDetail.as_view(),
        name="webhook-endpoint",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/rotate-secret/",
        EndpointRotateSecret.as_view(),
        name="webhook-endpoint-rotate",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/test/",
        EndpointTest.as_view(),
        name="webhook-endpoint-test",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/deliveries/",
        DeliveryList.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver/",
        DeliveryRedeliver.as_view(),
        name="webhook-delivery-redeliver",
    ),
]
