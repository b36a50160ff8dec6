from django.http import HttpResponse

def calendar_page(request, **kwargs):
    return HttpResponse('placeholder')


def calendar_reset(request, **kwargs):
    return HttpResponse('placeholder')


def feed(request, **kwargs):
    return HttpResponse('placeholder')


