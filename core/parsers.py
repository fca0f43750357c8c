"""The API's JSON parser, refusing what DRF's would let through to a server error.

A body of 100,000 `[` overflows Python's recursion limit, and `1e999999` parses to
an infinity that no integer or decimal field can take: both are answered as a
parse error (400) in the refusals' shape. Kept out of core/api.py, which DRF's
views import while they load these classes.
"""

import codecs
import json
import math

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(_("Numbers must be finite."))
    return value


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_float=_finite,
                parse_constant=_refuse_constant,
            )
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - the data is nested too deeply.")) from exc
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
