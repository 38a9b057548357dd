"""Endpoints that need a personal access token, one module per area; each has `urlpatterns`
(included under /api/v1/ by api/urls.py)."""
