from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Agreement


@login_required
def agreement_list(request):
    agreements = Agreement.objects.with_related()
    return render(request, "partnerships/agreement_list.html", {"agreements": agreements})


@login_required
def agreement_detail(request, pk):
    agreement = get_object_or_404(Agreement.objects.with_related(), pk=pk)
    return render(request, "partnerships/agreement_detail.html", {"agreement": agreement})
