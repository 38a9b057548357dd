"""The REST API under /api/v1/ (DRF) and its OpenAPI schema."""
