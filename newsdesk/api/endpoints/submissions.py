"""submissions endpoints (token scopes: see module docstring once written)."""

urlpatterns = []
