from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .forms import PreferenceForm
from .models import Kind, Notification

PAGE_SIZE = 30


@login_required
def notification_list(request):
    notices = Notification.objects.filter(recipient=request.user)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request, pk: int):
    """Open what a notice is about, marking it read."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, [notice.pk])
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return render(request, "notifications/detail.html", {"notice": notice})


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    instance = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt
def unsubscribe(request, token: str):
    """The link from the e-mail, no sign-in: the signed link names the person and the kind.

    Opening the link only asks: mail scanners open every link of a message, and would
    unsubscribe people who never clicked. Its button POSTs here, as do mail programs'
    own one-click buttons (RFC 8058, `List-Unsubscribe-Post`) and the page's undo.
    """
    found = services.read_unsubscribe_token(token)
    person = None
    if found:
        person = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    kind = found[1]
    if request.method != "POST":
        return render(
            request,
            "notifications/unsubscribe_confirm.html",
            {"kind_label": Kind(kind).label, "token": token},
        )
    wanted = request.POST.get("resubscribe") == "1"
    services.set_subscription(person, kind, wanted)
    return render(
        request,
        "notifications/unsubscribed.html",
        {"kind_label": Kind(kind).label, "token": token, "subscribed": wanted},
    )
