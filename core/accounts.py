"""Signing in and out, and counting the sign-ins that fail.

Django's LogoutView takes only a POST, so that a link or an image on another site
cannot sign anyone out. Opening its address (a bookmark, a typed address) asks
instead, with the button that signs out; someone already signed out is taken to the
login page.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


class LogoutView(auth_views.LogoutView):
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            messages.info(request, _("You are signed out."))
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return render(request, "registration/logout_confirm.html")


class LoginForm(AuthenticationForm):
    """Django's sign-in form, which tells a deactivated account so.

    The backends refuse an inactive account as they refuse a wrong password, so its
    owner read "wrong password" and tried again until locked out. Only someone who
    typed the account's password learns that it is deactivated, and that sign-in is no
    guess: it does not count towards a lock (LoginFailures).
    """

    # The page shows this instead of its own "did not match" (registration/login.html).
    deactivated = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login" and deactivated_with_this_password(
                self.cleaned_data.get("username"), self.cleaned_data.get("password")
            ):
                self.deactivated = _(
                    "This account has been deactivated. Ask an administrator of the portal "
                    "to activate it again."
                )
                raise ValidationError(self.deactivated, code="inactive") from exc
            raise


def deactivated_with_this_password(username, password) -> bool:
    """Whether a refused sign-in was the right password for a deactivated account."""
    if not username or not password:
        return False
    model = get_user_model()
    user = model._default_manager.filter(
        **{model.USERNAME_FIELD: username}, is_active=False
    ).first()
    return user is not None and user.check_password(password)


class LoginFailures(AxesDatabaseHandler):
    """django-axes' count of failed sign-ins (settings.AXES_HANDLER), kept per account and
    address as axes keeps them, and judged per account and per address.

    An account locks after AXES_FAILURE_LIMIT failures, from wherever they came, so that
    guesses spread over many addresses are stopped. An address locks after failures for
    that many different accounts: one person mistyping their own password behind an
    office's shared address locks only their account, never their colleagues'. A
    success forgets the failures of its own account, not those of others at its address.
    """

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        for_account = recent.filter(username=get_client_username(request, credentials))
        from_address = recent.filter(ip_address=request.axes_ip_address)
        return max(
            for_account.aggregate(failures=Sum("failures_since_start"))["failures"] or 0,
            from_address.values("username").distinct().count(),
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        forgotten, _by_model = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials)
        ).delete()
        return forgotten

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # The owner of a deactivated account who typed its password is told so (LoginForm)
        # and was not guessing. Django's signal hides the password, so it is read from the
        # form. A locked-out sign-in is axes' alone: no password is checked while locked.
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and deactivated_with_this_password(
                get_client_username(request, credentials), request.POST.get("password")
            )
        ):
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
