"""The Vietnamese catalogue is complete, its placeholders match, and pages speak the user's language.

Vietnamese is the default language and the msgids are English, so an untranslated or fuzzy entry
shows English (or, for a fuzzy one, a guessed translation) on a Vietnamese page.
"""

import ast
import re
import shutil
import subprocess

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

BASE_DIR = settings.BASE_DIR
VI_CATALOGUE = BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
EN_CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The same folders `makemessages --ignore` leaves out.
IGNORED_DIRS = {".venv", ".tmp", "staticfiles", "media", "node_modules", ".git", "locale"}
FIX = (
    "Run `DEBUG=1 .venv/bin/python manage.py makemessages -l vi -l en --ignore=.venv "
    "--ignore=.tmp --ignore=staticfiles --ignore=media --no-obsolete` and translate the "
    "entries in locale/vi/LC_MESSAGES/django.po. If makemessages does not pick a string up, "
    "it is marked inside an f-string, where xgettext does not look: call gettext outside it."
)

# %(name)s, %(seconds).1f, %s and {name}: what Python and Django substitute into a string.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[-+ #0-9.]*[sdfir]|%[sdfir]|\{[A-Za-z_0-9]*\}")
# The gettext keywords makemessages gives xgettext, with the position of the msgid and context.
KEYWORDS = {
    "_": (0, None),
    "gettext": (0, None),
    "gettext_lazy": (0, None),
    "gettext_noop": (0, None),
    "ngettext": (0, None),
    "ngettext_lazy": (0, None),
    "pgettext": (1, 0),
    "pgettext_lazy": (1, 0),
    "npgettext": (1, 0),
    "npgettext_lazy": (1, 0),
}
TEMPLATIZED_CALL = re.compile(
    r"\b(n?p?gettext)\(((?:\s*[ur]?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*,?)+)"
)
LITERAL = re.compile(r"[ur]?('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def untranslated(catalogue: polib.POFile) -> list[polib.POEntry]:
    """Entries a Vietnamese reader would see in English, or translated by a guess."""
    return [
        entry
        for entry in catalogue
        if not entry.obsolete
        and (
            entry.fuzzy
            or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
            or (not entry.msgid_plural and not entry.msgstr)
        )
    ]


def placeholder_mismatches(catalogue: polib.POFile) -> list[str]:
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        # A translation may repeat a placeholder, but may neither drop one nor invent one.
        wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if translation and set(PLACEHOLDER.findall(translation)) != wanted:
                problems.append(f"{entry.msgid!r}: {wanted} but {translation!r}")
    return problems


def _project_files(suffix: str):
    for path in sorted(BASE_DIR.rglob(f"*{suffix}")):
        if not IGNORED_DIRS.intersection(path.relative_to(BASE_DIR).parts):
            yield path


def _python_msgids(path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        msgid_at, context_at = KEYWORDS[name]
        arguments = [
            arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            for arg in node.args
        ]
        if len(arguments) > msgid_at and arguments[msgid_at] is not None:
            context = arguments[context_at] if context_at is not None else None
            found.add((context, arguments[msgid_at]))
    return found


def _template_msgids(path) -> set[tuple[str | None, str]]:
    # templatize is what makemessages itself runs before handing templates to xgettext.
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for function, arguments in TEMPLATIZED_CALL.findall(code):
        strings = [ast.literal_eval(literal) for literal in LITERAL.findall(arguments)]
        if function.startswith(("pgettext", "npgettext")):
            found.add((strings[0], strings[1]))
        else:
            found.add((None, strings[0]))
    return found


def marked_strings() -> set[tuple[str | None, str]]:
    found = set()
    for path in _project_files(".py"):
        found |= _python_msgids(path)
    for path in _project_files(".html"):
        found |= _template_msgids(path)
    return found


@pytest.fixture(scope="module")
def vietnamese():
    catalogue = polib.pofile(str(VI_CATALOGUE))
    # An empty or unreadable file would make every check below pass vacuously.
    assert len([entry for entry in catalogue if not entry.obsolete]) > 100
    return catalogue


def test_it_translates_every_entry_of_the_vietnamese_catalogue(vietnamese):
    missing = [entry.msgid for entry in untranslated(vietnamese)]

    assert missing == [], f"{len(missing)} entries untranslated or fuzzy: {missing[:20]}"


def test_it_notices_an_untranslated_a_fuzzy_and_a_half_translated_entry():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Approved", msgstr="Đã phê duyệt"))
    catalogue.append(polib.POEntry(msgid="Draft", msgstr=""))
    catalogue.append(polib.POEntry(msgid="Overdue", msgstr="Quá hạn", flags=["fuzzy"]))
    catalogue.append(
        polib.POEntry(
            msgid="%(counter)s province",
            msgid_plural="%(counter)s provinces",
            msgstr_plural={0: ""},
        )
    )

    assert [entry.msgid for entry in untranslated(catalogue)] == [
        "Draft",
        "Overdue",
        "%(counter)s province",
    ]


def test_it_keeps_every_placeholder_of_each_msgid_in_its_translation(vietnamese):
    assert placeholder_mismatches(vietnamese) == []


def test_it_notices_a_dropped_or_renamed_placeholder():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Report for %(quarter)s", msgstr="Báo cáo %(quarter)s"))
    catalogue.append(polib.POEntry(msgid="File: %(name)s", msgstr="Tệp: %(ten)s"))
    catalogue.append(
        polib.POEntry(msgid="%(rows)s rows in %(seconds).1f s.", msgstr="%(rows)s dòng")
    )

    assert len(placeholder_mismatches(catalogue)) == 2


def test_it_has_one_plural_form_in_vietnamese_and_says_its_language(vietnamese):
    assert vietnamese.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert vietnamese.metadata["Language"] == "vi"
    assert "charset=UTF-8" in vietnamese.metadata["Content-Type"]


def test_it_has_every_string_marked_in_the_code_in_the_vietnamese_catalogue(vietnamese):
    in_catalogue = {(entry.msgctxt, entry.msgid) for entry in vietnamese if not entry.obsolete}
    marked = marked_strings()

    # The extractor must find the strings it is meant to find, or the check proves nothing.
    assert (None, "Log in") in marked
    assert (None, "%(counter)s agreement") in marked
    assert (None, "Provincial People's Committee") in marked
    missing = sorted(msgid for msgid in marked - in_catalogue)
    assert missing == [], f"{len(missing)} strings are not in the catalogue: {missing[:20]}. {FIX}"


def test_it_leaves_no_fuzzy_entry_in_the_english_catalogue():
    # English msgstrs may stay empty (the msgids are English), but a fuzzy guess would be shown.
    english = polib.pofile(str(EN_CATALOGUE))

    assert [entry.msgid for entry in english if entry.fuzzy and not entry.obsolete] == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
@pytest.mark.parametrize("catalogue", [VI_CATALOGUE, EN_CATALOGUE], ids=["vi", "en"])
def test_it_compiles_each_catalogue_without_a_format_error(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr


def test_it_shows_the_login_page_in_vietnamese_by_default_and_when_asked(client):
    default = client.get("/accounts/login/")
    asked = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi")

    for response in (default, asked):
        assert response.status_code == 200
        assert "Đăng nhập" in response.content.decode()
        assert "Log in" not in response.content.decode()


def test_it_shows_the_login_page_in_english_when_asked(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Log in" in response.content.decode()
    assert "Đăng nhập" not in response.content.decode()
