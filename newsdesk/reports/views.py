from django.http import HttpResponse


def new(request):
    # Placeholder until the report form lands.
    return HttpResponse("Reports are not open yet.", content_type="text/plain")
