"""Every change to the governance data made in the admin is recorded and shown: who, what, when.

The KPI catalogue (its aggregation rules), province assignments (the permission
grant), signatories, people and the other catalogues are edited here as an
administrator does it: the change form is read as a browser would send it back,
one field is changed, and the History page is read as the administrator sees it.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import TimeAggregation
from provinces.models import ProvinceAssignment

from .factories import (
    CommitmentAreaFactory,
    KpiFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    PhaseFactory,
    ProvinceFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class _ChangeForm(HTMLParser):
    """The fields a browser sends back for one form of a page, as the page shows them."""

    SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data = {}
        self._inside = False
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = attrs.get("id") == self.form_id
        if not self._inside:
            return
        if tag == "option" and self._select:
            select_name, _multiple, options = self._select
            options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._add(select_name, attrs.get("value", ""))
        name = attrs.get("name")
        if not name or "disabled" in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in self.SKIPPED_INPUTS:
                self._add(name, attrs.get("value", ""))
        elif tag == "select":
            self._select = (name, "multiple" in attrs, [])
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select" and self._select:
            name, multiple, options = self._select
            # A single choice with nothing selected sends its first option, as browsers do.
            if not multiple and name not in self.data and options:
                self._add(name, options[0])
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline Django writes after the opening tag.
            value = self.data[self._textarea][-1]
            self.data[self._textarea][-1] = value.removeprefix("\n")
            self._textarea = None


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, the way a reader sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None


def _table(response, *headers):
    """The rows of the page's table with these column headers, each as {header: text}."""
    reader = _Tables()
    reader.feed(response.content.decode())
    for rows in reader.tables:
        if rows and set(headers) <= set(rows[0]):
            return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    raise AssertionError(f"No table with the columns {headers}")


def _url(obj, view):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


@pytest.fixture
def admin(client, admin_user):
    """The administrator, reading the admin in English."""
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _save_change_form(admin, obj, changes):
    """Open the object's change page, change some fields as typed, and save it."""
    page = admin.get(_url(obj, "change"))
    form = _ChangeForm(f"{obj._meta.model_name}_form")
    form.feed(page.content.decode())
    data = {**form.data, **changes}
    response = admin.post(_url(obj, "change"), data)
    assert response.status_code == 302, response.context["errors"]


def _history(admin, obj):
    return _table(admin.get(_url(obj, "history")), "Changed by", "Changes")


def _kpi():
    return KpiFactory(time_aggregation=TimeAggregation.LATEST)


def _person():
    return PersonFactory(full_name="Nguyễn Văn Hùng")


def _participant():
    return ParticipantFactory(title_then="Chủ tịch UBND tỉnh")


def _phase():
    # A name stating no years, so that the years can change without contradicting it.
    return PhaseFactory(start_year=2026, end_year=2030, name="Giai đoạn tới")


def _area():
    return CommitmentAreaFactory(name_en="Smart city")


def _source():
    return SourceFactory(publisher="")


def _organisation():
    return OrganisationFactory(short_name="UBND Lào Cai")


def _province():
    return ProvinceFactory(full_name="Tỉnh Lào Cai")


def _assignment():
    return ProvinceAssignment.objects.create(user=UserFactory(), province=ProvinceFactory())


GOVERNANCE_CHANGES = [
    # builder, field, typed value, the change as the History page shows it
    (_kpi, "space_aggregation", "none", "Across provinces: Sum across provinces → Not added up"),
    (_person, "full_name", "Tống Thanh Hải", "Full name: Nguyễn Văn Hùng → Tống Thanh Hải"),
    (
        _participant,
        "title_then",
        "Phó Chủ tịch UBND tỉnh",
        "Title held then: Chủ tịch UBND tỉnh → Phó Chủ tịch UBND tỉnh",
    ),
    (_phase, "end_year", "2031", "Last year: 2030 → 2031"),
    (_area, "name_en", "Smart city and operations centres", "Name (English): Smart city → Smart"),
    (_source, "publisher", "VnMedia", "Publisher: - → VnMedia"),
    (_organisation, "short_name", "UBND tỉnh Lào Cai", "Short name: UBND Lào Cai → UBND tỉnh"),
    (_province, "full_name", "Tỉnh Lào Cai mới", "Full name: Tỉnh Lào Cai → Tỉnh Lào Cai mới"),
    (_assignment, "organisation_unit", "VNPT Lào Cai", "Unit: - → VNPT Lào Cai"),
]


@pytest.mark.parametrize(
    ("build", "field", "typed", "shown"),
    GOVERNANCE_CHANGES,
    ids=[build.__name__.strip("_") for build, *_ in GOVERNANCE_CHANGES],
)
def test_it_shows_who_changed_a_governance_record_from_what_to_what(
    admin, build, field, typed, shown
):
    obj = build()
    _save_change_form(admin, obj, {field: typed})

    latest, created = _history(admin, obj)
    assert (latest["Comment"], latest["Changed by"]) == ("Changed", "admin")
    assert shown in latest["Changes"]
    # Only the field that was changed is listed.
    assert latest["Changes"].count(":") == 1
    assert created["Comment"] == "Created"


def test_it_records_a_change_to_a_kpis_aggregation_rule(admin):
    kpi = _kpi()
    _save_change_form(admin, kpi, {"time_aggregation": TimeAggregation.SUM})

    latest = _history(admin, kpi)[0]
    assert latest["Changed by"] == "admin"
    assert latest["Changes"] == (
        "Over time: Latest value in the period (stock) → Sum over the period (flow)"
    )


def test_it_records_who_granted_and_who_revoked_a_province(admin, official, provinces):
    _save_change_form(
        admin,
        official,
        {
            "province_assignments-TOTAL_FORMS": "1",
            "province_assignments-0-province": str(provinces.lai_chau.pk),
            "province_assignments-0-organisation_unit": "Sở Thông tin và Truyền thông",
        },
    )
    assignment = official.province_assignments.get()
    _save_change_form(admin, official, {"province_assignments-0-DELETE": "on"})

    assert not official.province_assignments.exists()
    page = admin.get(_url(official, "change"))
    revoked, granted = _table(page, "Action", "Province", "Changed by")
    assert (granted["Action"], granted["Province"], granted["Changed by"]) == (
        "granted",
        "Lai Châu",
        "admin",
    )
    assert granted["Unit"] == "Sở Thông tin và Truyền thông"
    assert str(timezone.localdate().year) in granted["Date and time"]
    assert (revoked["Action"], revoked["Province"], revoked["Changed by"]) == (
        "revoked",
        "Lai Châu",
        "admin",
    )
    # The revoked assignment's own History page stays readable.
    comments = [row["Comment"] for row in _history(admin, assignment)]
    assert comments == ["Deleted", "Created"]


def test_it_keeps_the_grants_of_other_users_off_a_users_page(admin, staff_laocai, staff_quangtri):
    page = admin.get(_url(staff_laocai, "change"))
    provinces = [row["Province"] for row in _table(page, "Action", "Province", "Changed by")]
    assert provinces == ["Lào Cai"]
