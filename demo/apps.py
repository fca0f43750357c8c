from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demonstration data: the articles' facts, demo accounts and synthetic figures.

    Production needs none of it; it only adds management commands.
    """

    name = "demo"
    verbose_name = _("Demonstration data")
