from django.http import HttpResponse

def decision_add(request, **kwargs):
    return HttpResponse('placeholder')


def document_download(request, **kwargs):
    return HttpResponse('placeholder')


def document_upload(request, **kwargs):
    return HttpResponse('placeholder')


def meeting_create(request, **kwargs):
    return HttpResponse('placeholder')


def meeting_detail(request, **kwargs):
    return HttpResponse('placeholder')


def meeting_edit(request, **kwargs):
    return HttpResponse('placeholder')


def meeting_list(request, **kwargs):
    return HttpResponse('placeholder')


