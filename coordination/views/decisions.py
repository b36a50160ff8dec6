from django.http import HttpResponse

def decision_detail(request, **kwargs):
    return HttpResponse('placeholder')


def decision_list(request, **kwargs):
    return HttpResponse('placeholder')


def decision_status(request, **kwargs):
    return HttpResponse('placeholder')


