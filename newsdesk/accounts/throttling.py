def username_from_request(request, credentials):
    """The login name django-axes counts failures for: allauth posts it as `login`."""
    if credentials:
        for key in ("email", "username", "login"):
            if credentials.get(key):
                return str(credentials[key]).lower()
    if request is not None and hasattr(request, "POST"):
        return (request.POST.get("login") or request.POST.get("email") or "").lower()
    return ""
