from django.http import HttpResponse

def attachment_download(request, pk=None):
    return HttpResponse('placeholder')


def attachment_upload(request, pk=None):
    return HttpResponse('placeholder')


def update_approve(request, pk=None):
    return HttpResponse('placeholder')


def update_create(request, pk=None):
    return HttpResponse('placeholder')


def update_detail(request, pk=None):
    return HttpResponse('placeholder')


def update_edit(request, pk=None):
    return HttpResponse('placeholder')


def update_return(request, pk=None):
    return HttpResponse('placeholder')


def update_submit(request, pk=None):
    return HttpResponse('placeholder')


