"""Signing out: Django's LogoutView takes only a POST, so that a link or an image on
another site cannot sign anyone out. Opening its address (a bookmark, a typed
address) asks instead, with the button that signs out; someone already signed out
is taken to the login page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


class LogoutView(auth_views.LogoutView):
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            messages.info(request, _("You are signed out."))
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return render(request, "registration/logout_confirm.html")
