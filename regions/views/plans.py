from django.http import HttpResponse

def document_download(request, pk=None):
    return HttpResponse('placeholder')


def document_upload(request, pk=None):
    return HttpResponse('placeholder')


def plan_archive(request, pk=None):
    return HttpResponse('placeholder')


def plan_back_to_draft(request, pk=None):
    return HttpResponse('placeholder')


def plan_create(request, pk=None):
    return HttpResponse('placeholder')


def plan_detail(request, pk=None):
    return HttpResponse('placeholder')


def plan_edit(request, pk=None):
    return HttpResponse('placeholder')


def plan_list(request, pk=None):
    return HttpResponse('placeholder')


def plan_send_for_review(request, pk=None):
    return HttpResponse('placeholder')


def plan_validate(request, pk=None):
    return HttpResponse('placeholder')


def priority_create(request, pk=None):
    return HttpResponse('placeholder')


def priority_edit(request, pk=None):
    return HttpResponse('placeholder')


