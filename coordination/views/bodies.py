from django.http import HttpResponse

def body_create(request, **kwargs):
    return HttpResponse('placeholder')


def body_detail(request, **kwargs):
    return HttpResponse('placeholder')


def body_edit(request, **kwargs):
    return HttpResponse('placeholder')


def member_add(request, **kwargs):
    return HttpResponse('placeholder')


def member_end(request, **kwargs):
    return HttpResponse('placeholder')


