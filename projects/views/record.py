from django.http import HttpResponse


def document_download(request, **kwargs):
    return HttpResponse("placeholder")


def document_upload(request, **kwargs):
    return HttpResponse("placeholder")


def project_budget(request, **kwargs):
    return HttpResponse("placeholder")


def project_create(request, **kwargs):
    return HttpResponse("placeholder")


def project_detail(request, **kwargs):
    return HttpResponse("placeholder")


def project_edit(request, **kwargs):
    return HttpResponse("placeholder")


def project_status(request, **kwargs):
    return HttpResponse("placeholder")


def region_choices(request, **kwargs):
    return HttpResponse("placeholder")
