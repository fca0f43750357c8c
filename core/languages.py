"""The API's language: the one its request asks for in Accept-Language, before the cookie.

A system's requests say their language in Accept-Language, and the API's messages and its
reading of typed numbers ("132.600" is a thousand-grouped number in Vietnamese, three
decimals in English) follow it. Django's LocaleMiddleware prefers the language cookie, which
a browser that once chose English on the pages sends to the API as well. The pages keep
Django's order: a user's choice of language there is the cookie.
"""

from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def asked_language(request) -> str | None:
    """The first supported language the request's Accept-Language names, if any."""
    for language, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if language == "*":
            return None
        try:
            return translation.get_supported_language_variant(language)
        except LookupError:
            continue
    return None


class ApiLanguageMiddleware:
    """Under /api/, Accept-Language chooses the language when it names one the portal speaks.

    Placed after LocaleMiddleware, which has activated the cookie's or the default language
    and, on the way out, says the active one in Content-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = asked_language(request)
            if language is not None:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
