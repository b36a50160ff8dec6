from django.http import HttpResponse


def evidence_download(request, **kwargs):
    return HttpResponse("placeholder")


def indicator_create(request, **kwargs):
    return HttpResponse("placeholder")


def indicator_edit(request, **kwargs):
    return HttpResponse("placeholder")


def indicator_report_create(request, **kwargs):
    return HttpResponse("placeholder")


def indicator_report_detail(request, **kwargs):
    return HttpResponse("placeholder")


def indicator_report_edit(request, **kwargs):
    return HttpResponse("placeholder")


def indicator_report_step(request, **kwargs):
    return HttpResponse("placeholder")


def location_create(request, **kwargs):
    return HttpResponse("placeholder")


def location_delete(request, **kwargs):
    return HttpResponse("placeholder")


def location_edit(request, **kwargs):
    return HttpResponse("placeholder")


def progress_report_create(request, **kwargs):
    return HttpResponse("placeholder")


def progress_report_detail(request, **kwargs):
    return HttpResponse("placeholder")


def progress_report_edit(request, **kwargs):
    return HttpResponse("placeholder")


def progress_report_step(request, **kwargs):
    return HttpResponse("placeholder")


def report_attachment_download(request, **kwargs):
    return HttpResponse("placeholder")


def report_attachment_upload(request, **kwargs):
    return HttpResponse("placeholder")
