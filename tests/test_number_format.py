"""The portal's number formatter writes what Django's own would, in every language.

`core.formatting.number` writes numbers itself, for speed, and must agree with Django's
`number_format` (grouped thousands, the language's separators) for any value and number of
decimals, rounded half up as the portal rounds.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import get_format, number_format

from core.formatting import number, share

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def values():
    chosen = random.Random(20261201)
    fixed = ["0", "-0.004", "1", "999", "1000", "-1000", "46495", "91.67", "95.5", "1234567.891"]
    drawn = [
        Decimal(chosen.randint(-(10**9), 10**9)) / Decimal(10 ** chosen.randint(0, 4))
        for _ in range(400)
    ]
    return [Decimal(value) for value in fixed] + drawn


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_writes_what_django_writes(language):
    with translation.override(language):
        for value in values():
            for decimals in (0, 1, 2):
                rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
                expected = number_format(
                    rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True
                )
                assert number(value, decimals) == expected, (language, value, decimals)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_groups_thousands_by_three(language):
    assert get_format("NUMBER_GROUPING", language, use_l10n=True) == 3


def test_each_language_has_its_own_separators():
    with translation.override("vi"):
        assert number(Decimal("46495.5"), 1) == "46.495,5"
        assert share(Decimal("97.66")) == "97,7%"
    with translation.override("en"):
        assert number(Decimal("46495.5"), 1) == "46,495.5"
        assert share(Decimal("97.66")) == "97.7%"
