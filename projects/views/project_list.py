from django.http import HttpResponse


def export_csv(request, **kwargs):
    return HttpResponse("placeholder")


def export_xlsx(request, **kwargs):
    return HttpResponse("placeholder")


def project_list(request, **kwargs):
    return HttpResponse("placeholder")
