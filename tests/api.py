"""Helpers for the API tests: a client per persona, authenticated the way systems are."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


def token_client(user, language: str = "en") -> APIClient:
    """A client sending the user's API token, as a province's reporting system would."""
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"v1:{name}", args=args)
