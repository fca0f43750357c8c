from django.conf import settings


def accounts(request):
    """Whether "Forgot your password?" can send its e-mail (settings.PASSWORD_RESET_BY_EMAIL)."""
    return {"password_reset_by_email": settings.PASSWORD_RESET_BY_EMAIL}
