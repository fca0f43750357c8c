"""Vietnamese alphabetical order, the same on SQLite and PostgreSQL.

Vietnamese dictionaries sort by letter first, with ă, â after a, đ after d, ê
after e, ô, ơ after o and ư after u, and only then by tone, in the order
ngang, huyền, hỏi, ngã, sắc, nặng: Hà Giang, Hà Nam, Hà Nội, Hà Tĩnh, Hải
Dương, Hải Phòng, Hậu Giang, Hòa Bình, Huế, Hưng Yên; Đà Nẵng after Cao Bằng.

Neither database sorts so: SQLite compares code points (Huế before Hà Nội, Đ
last) and PostgreSQL follows the server's locale. So each name keeps a sort key
computed here, written only with the digits and lower-case ASCII letters, whose
order every collation agrees on: ordering by the key gives one order everywhere.
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

# The letters in alphabetical order; f, j, w and z appear in names from other languages.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tone marks as Unicode decomposes them, in dictionary order (none first).
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a letter of their own: ă (breve), â ê ô (circumflex), ơ ư (horn).
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}

DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
END, SEPARATOR, FIRST_DIGIT = 0, 1, 2
FIRST_LETTER = FIRST_DIGIT + 10


def _code(rank: int) -> str:
    """A rank as two base-36 characters, so keys compare position by position."""
    return DIGITS36[rank // 36] + DIGITS36[rank % 36]


def _letters(text: str):
    """(letter, tone) pairs: each base letter with its letter marks, and its tone apart."""
    for char in unicodedata.normalize("NFC", text.lower()):
        parts = unicodedata.normalize("NFD", char)
        tone = 0
        letter = parts[0]
        for mark in parts[1:]:
            if mark in TONES:
                tone = TONES[mark]
            elif mark in LETTER_MARKS:
                letter += mark
        yield unicodedata.normalize("NFC", letter), tone


def sort_key(text: str) -> str:
    """The key that sorts `text` in Vietnamese alphabetical order.

    Letters first, a word's end before any letter (Hà Nam before Hải Dương), then
    the tones in the same positions to break ties (Ha before Hà before Hả).
    """
    primary, tones = [], []
    for letter, tone in _letters((text or "").strip()):
        if letter in ALPHABET:
            rank = FIRST_LETTER + ALPHABET.index(letter)
        elif letter.isdigit():
            rank = FIRST_DIGIT + int(letter)
        elif letter.isalpha():
            # A letter of another alphabet: after z, its own order left to the tie-break.
            rank = FIRST_LETTER + len(ALPHABET)
        else:
            # Spaces, hyphens and dots all separate words alike.
            if primary and primary[-1] == _code(SEPARATOR):
                continue
            rank, tone = SEPARATOR, 0
        primary.append(_code(rank))
        tones.append(DIGITS36[tone])
    return "".join(primary) + _code(END) + "".join(tones)


class CollatedModel(models.Model):
    """Keeps `sort_key` in step with the field named by `collated_field`.

    Order such rows by `sort_key`, never by the name itself: that is what makes a
    list, a select and a download come out in the same Vietnamese order.
    """

    collated_field = "name"

    sort_key = models.CharField(
        _("sort key"), max_length=320, editable=False, db_index=True, default=""
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(getattr(self, self.collated_field))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)
