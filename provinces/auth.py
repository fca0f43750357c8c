from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class DemoAwareModelBackend(ModelBackend):
    """Refuses the published demo password unless the portal runs with DEBUG on."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == settings.DEMO_PASSWORD and not settings.DEBUG:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
