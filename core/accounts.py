"""Signing in and out.

Django's LogoutView takes only a POST, so that a link or an image on another site
cannot sign anyone out. Opening its address (a bookmark, a typed address) asks
instead, with the button that signs out; someone already signed out is taken to the
login page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
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
    typed the account's password learns that it is deactivated.
    """

    # The page shows this instead of its own "did not match" (registration/login.html).
    deactivated = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login" and self._deactivated_with_this_password():
                self.deactivated = _(
                    "This account has been deactivated. Ask an administrator of the portal "
                    "to activate it again."
                )
                raise ValidationError(self.deactivated, code="inactive") from exc
            raise

    def _deactivated_with_this_password(self) -> bool:
        model = get_user_model()
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = model._default_manager.filter(
            **{model.USERNAME_FIELD: username}, is_active=False
        ).first()
        return user is not None and user.check_password(password)
