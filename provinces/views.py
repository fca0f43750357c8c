from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Province


@login_required
def province_list(request):
    provinces = Province.objects.select_related("successor")
    return render(request, "provinces/province_list.html", {"provinces": provinces})


@login_required
def province_detail(request, slug):
    province = get_object_or_404(Province, slug=slug)
    return render(request, "provinces/province_detail.html", {"province": province})
