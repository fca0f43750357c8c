"""Who can sign, and when: a committee exists with its province (on some day of a signing date
known only to the month or year), VNPT is never its own partner and is entered once, one
organisation, or one person of an organisation, is not entered twice under spellings a search
reads as one, and an agreement's period lies in sensible years,
shares years with its phase and keeps its reports and targets inside it; a phase keeps to the
years of its agreements and targets and shares none with another phase; an organisation keeps
the kind and province its agreements were signed with."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from core.quarters import Quarter, quarter_range
from milestones.models import ReportStatus
from partnerships.models import Agreement, Organisation, OrganisationKind, Person, Phase

from .admin_forms import add, change, form_data, page_text
from .factories import (
    AgreementFactory,
    KpiTargetFactory,
    OrganisationFactory,
    PersonFactory,
    PhaseFactory,
    QuarterlyReportFactory,
)

pytestmark = pytest.mark.django_db

d = datetime.date
LAO_CAI_COMMITTEE = "Ủy ban nhân dân tỉnh Lào Cai"


@pytest.fixture
def former_committee(provinces):
    return OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.former_lao_cai)


@pytest.fixture
def next_phase():
    return PhaseFactory(code="2026-2030", name="2026–2030", start_year=2026, end_year=2030)


def _organisation_form(province, **changes):
    return {
        "name": LAO_CAI_COMMITTEE,
        "short_name": "UBND tỉnh Lào Cai",
        "kind": OrganisationKind.PEOPLES_COMMITTEE,
        "province": province.pk,
        **changes,
    }


def _new_agreement(counterparty, phase, **changes):
    unsaved = Agreement(
        title="Thỏa thuận hợp tác VT-CNTT giai đoạn 2026–2030",
        counterparty=counterparty,
        kind="strategic",
        phase=phase,
        period_start=phase.start_year,
        period_end=phase.end_year,
        signed_on=None,
        signed_precision="day",
        signing_mode="unknown",
    )
    return form_data(unsaved, **changes)


def test_it_adds_the_committee_of_the_current_province_beside_the_former_ones(
    admin_client, provinces, former_committee
):
    response = add(admin_client, Organisation, _organisation_form(provinces.lao_cai))

    assert response.status_code == 302
    current = Organisation.objects.get(province=provinces.lao_cai)
    assert current.name == former_committee.name


def test_it_refuses_a_second_committee_of_the_same_name_in_one_province(
    admin_client, provinces, former_committee
):
    response = add(admin_client, Organisation, _organisation_form(provinces.former_lao_cai))

    assert response.status_code == 200
    assert "Tỉnh này đã có tổ chức đối tác mang tên này." in page_text(response)
    assert Organisation.objects.count() == 1


def test_it_tells_the_former_committee_from_the_current_one_wherever_it_is_chosen(
    admin_client, provinces, former_committee
):
    OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.lao_cai)

    with translation.override("vi"):
        assert str(former_committee) == f"{LAO_CAI_COMMITTEE} (đến 30/06/2025)"
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "partnerships",
            "model_name": "agreement",
            "field_name": "counterparty",
            "term": "Lào Cai",
        },
    )
    labels = sorted(result["text"] for result in response.json()["results"])
    assert labels == [LAO_CAI_COMMITTEE, f"{LAO_CAI_COMMITTEE} (đến 30/06/2025)"]
    listing = admin_client.get(reverse("partnerships:agreement-list")).content.decode()
    assert f"{LAO_CAI_COMMITTEE} (đến 30/06/2025)</option>" in listing


def test_it_refuses_an_agreement_signed_by_a_former_unit_after_the_merger(
    admin_client, former_committee, next_phase
):
    data = _new_agreement(former_committee, next_phase, signed_on="2026-12-31")
    response = add(admin_client, Agreement, data)

    assert response.status_code == 200
    assert (
        "Lào Cai chỉ tồn tại đến ngày 30/06/2025, sau đó không thể ký kết: hãy chọn UBND của "
        "tỉnh, thành phố mà đơn vị này đã sáp nhập vào."
    ) in page_text(response)
    assert not Agreement.objects.exists()


def test_it_refuses_an_agreement_signed_by_a_current_province_before_it_existed(
    admin_client, provinces
):
    committee = OrganisationFactory(province=provinces.quang_tri)
    phase = PhaseFactory(code="2021-2025", name="2021–2025", start_year=2021, end_year=2025)
    response = add(
        admin_client, Agreement, _new_agreement(committee, phase, signed_on="2021-05-01")
    )

    assert response.status_code == 200
    assert (
        "Quảng Trị chỉ tồn tại từ ngày 01/07/2025, sau ngày ký: hãy chọn UBND của đơn vị hành "
        "chính cũ đã ký."
    ) in page_text(response)
    assert not Agreement.objects.exists()


def test_it_refuses_an_undated_agreement_of_a_former_unit_starting_after_the_merger(
    admin_client, former_committee, next_phase
):
    response = add(admin_client, Agreement, _new_agreement(former_committee, next_phase))

    assert response.status_code == 200
    assert "Lào Cai chỉ tồn tại đến ngày 30/06/2025" in page_text(response)
    assert not Agreement.objects.exists()


def test_it_saves_the_current_provinces_agreement_after_the_merger(
    admin_client, provinces, next_phase
):
    committee = OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.lao_cai)
    response = add(
        admin_client, Agreement, _new_agreement(committee, next_phase, signed_on="2026-03-02")
    )

    assert response.status_code == 302
    assert Agreement.objects.get().counterparty == committee


def test_it_refuses_vnpt_as_its_own_counterparty(admin_client, next_phase):
    vnpt = OrganisationFactory(
        name="Tập đoàn Bưu chính Viễn thông Việt Nam",
        short_name="VNPT",
        kind=OrganisationKind.VNPT,
        province=None,
    )
    response = add(
        admin_client, Agreement, _new_agreement(vnpt, next_phase, signed_on="2026-03-02")
    )

    assert response.status_code == 200
    assert "VNPT là một bên của mọi thỏa thuận, không thể đồng thời là đối tác." in page_text(
        response
    )
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (
            ("2010", "2012"),
            "Thời hạn 2010–2012 không có năm nào thuộc giai đoạn 2026–2030: hãy chọn đúng giai "
            "đoạn của thỏa thuận.",
        ),
        (("0", "0"), "Thời hạn phải nằm trong khoảng từ năm 1990 đến năm 2100."),
        (("2026", "9999"), "Thời hạn phải nằm trong khoảng từ năm 1990 đến năm 2100."),
    ],
)
def test_it_refuses_a_period_outside_sensible_years_or_its_phase(
    admin_client, provinces, next_phase, period, message
):
    committee = OrganisationFactory(province=provinces.lao_cai)
    start, end = period
    data = _new_agreement(committee, next_phase, period_start=start, period_end=end)
    response = add(admin_client, Agreement, data)

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Agreement.objects.exists()


def test_it_accepts_a_period_running_past_its_phase(provinces):
    """Tuyên Quang's 2017–2022 belongs to the 2014–2020 phase and runs beyond it."""
    phase = PhaseFactory(code="2014-2020", name="2014–2020", start_year=2014, end_year=2020)
    agreement = AgreementFactory(
        counterparty=OrganisationFactory(province=provinces.former_lao_cai),
        phase=phase,
        period_start=2017,
        period_end=2022,
        signed_on=d(2017, 6, 1),
    )
    assert agreement.pk


@pytest.mark.parametrize(
    ("current", "signed_on", "precision"),
    [
        # Known only to the year: some day of 2025 is the new Lào Cai's, some the former's.
        (True, "2025-01-01", "year"),
        (False, "2025-01-01", "year"),
        (True, "2025-07-01", "month"),
        (False, "2025-06-01", "month"),
    ],
)
def test_it_accepts_a_signing_known_only_in_part_when_some_day_of_it_fits_the_province(
    admin_client, provinces, former_committee, next_phase, current, signed_on, precision
):
    committee = (
        OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.lao_cai)
        if current
        else former_committee
    )
    data = _new_agreement(
        committee,
        next_phase,
        period_start="2025",
        signed_on=signed_on,
        signed_precision=precision,
    )
    response = add(admin_client, Agreement, data)

    assert response.status_code == 302, page_text(response)
    assert Agreement.objects.get().counterparty == committee


@pytest.mark.parametrize(
    ("current", "signed_on", "message"),
    [
        (True, "2025-06-01", "Lào Cai chỉ tồn tại từ ngày 01/07/2025, sau ngày ký"),
        (False, "2025-07-01", "Lào Cai chỉ tồn tại đến ngày 30/06/2025, sau đó không thể ký kết"),
    ],
)
def test_it_refuses_a_signing_month_wholly_outside_the_provinces_existence(
    admin_client, provinces, former_committee, next_phase, current, signed_on, message
):
    committee = (
        OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.lao_cai)
        if current
        else former_committee
    )
    data = _new_agreement(
        committee, next_phase, period_start="2025", signed_on=signed_on, signed_precision="month"
    )
    response = add(admin_client, Agreement, data)

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        unicodedata.normalize("NFD", LAO_CAI_COMMITTEE),
        "Ủy ban nhân dân  tỉnh Lào Cai",
        "Uỷ ban nhân dân tỉnh Lào Cai",
    ],
)
def test_it_refuses_a_name_that_differs_only_in_capitals_accents_or_spaces(
    admin_client, provinces, former_committee, name
):
    response = add(
        admin_client, Organisation, _organisation_form(provinces.former_lao_cai, name=name)
    )

    assert response.status_code == 200
    assert (
        f"Tỉnh này đã có tổ chức đối tác “{LAO_CAI_COMMITTEE}”: hai tên chỉ khác nhau về chữ "
        "hoa, dấu hoặc khoảng trắng."
    ) in page_text(response)
    assert Organisation.objects.count() == 1


def test_it_names_a_twin_saved_in_another_tab_between_the_check_and_the_save(
    admin_client, provinces, former_committee, monkeypatch
):
    # The other tab's save commits after this form looked for a twin: the first look misses it.
    look = Organisation._folded_twin
    missed = []

    def look_once_too_early(organisation):
        if missed:
            return look(organisation)
        missed.append(organisation)
        return None

    monkeypatch.setattr(Organisation, "_folded_twin", look_once_too_early)
    name = "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"

    response = add(
        admin_client, Organisation, _organisation_form(provinces.former_lao_cai, name=name)
    )

    assert response.status_code == 200
    assert (
        f"Tỉnh này đã có tổ chức đối tác “{LAO_CAI_COMMITTEE}”: hai tên chỉ khác nhau về chữ "
        "hoa, dấu hoặc khoảng trắng."
    ) in page_text(response)
    assert name in page_text(response)
    assert list(Organisation.objects.values_list("name", flat=True)) == [LAO_CAI_COMMITTEE]


def test_it_refuses_a_central_agency_twice_in_other_capitals(admin_client):
    OrganisationFactory(
        name="Bộ Thông tin và Truyền thông",
        short_name="Bộ TT&TT",
        kind=OrganisationKind.CENTRAL_AGENCY,
        province=None,
    )
    data = {
        "name": "BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
        "short_name": "",
        "kind": OrganisationKind.CENTRAL_AGENCY,
        "province": "",
    }
    response = add(admin_client, Organisation, data)

    assert response.status_code == 200
    assert (
        "Đã có tổ chức đối tác không thuộc tỉnh nào mang tên “Bộ Thông tin và Truyền thông”: "
        "hai tên chỉ khác nhau về chữ hoa, dấu hoặc khoảng trắng."
    ) in page_text(response)
    assert Organisation.objects.count() == 1


def test_it_renames_an_organisation_in_capitals_of_its_own(
    admin_client, provinces, former_committee
):
    data = _organisation_form(provinces.former_lao_cai, name="ỦY BAN NHÂN DÂN TỈNH LÀO CAI")
    response = change(admin_client, former_committee, data)

    assert response.status_code == 302
    former_committee.refresh_from_db()
    assert former_committee.name == "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"


@pytest.fixture
def vnpt(db):
    return OrganisationFactory(
        name="Tập đoàn Bưu chính Viễn thông Việt Nam",
        short_name="VNPT",
        kind=OrganisationKind.VNPT,
        province=None,
    )


def test_it_refuses_a_second_vnpt(admin_client, vnpt):
    data = {"name": "VNPT Lào Cai", "short_name": "", "kind": OrganisationKind.VNPT, "province": ""}

    response = add(admin_client, Organisation, data)

    assert response.status_code == 200
    assert (
        "VNPT đã có trên cổng thông tin với tên “Tập đoàn Bưu chính Viễn thông Việt Nam” và chỉ "
        "có một VNPT: hãy sửa tổ chức đó, hoặc chọn loại khác cho tổ chức này."
    ) in page_text(response)
    assert list(Organisation.objects.all()) == [vnpt]
    # VNPT's own units are organisations of another kind.
    other = add(admin_client, Organisation, {**data, "kind": OrganisationKind.OTHER})
    assert other.status_code == 302


def test_it_refuses_to_make_another_organisation_vnpt(admin_client, vnpt, former_committee):
    data = _organisation_form(former_committee.province, kind=OrganisationKind.VNPT)

    response = change(admin_client, former_committee, data)

    assert response.status_code == 200
    assert "chỉ có một VNPT" in page_text(response)
    former_committee.refresh_from_db()
    assert former_committee.kind == OrganisationKind.PEOPLES_COMMITTEE


def test_the_database_keeps_one_vnpt(vnpt):
    with pytest.raises(IntegrityError):
        OrganisationFactory(
            name="VNPT", short_name="VNPT", kind=OrganisationKind.VNPT, province=None
        )


TRUONG = "Trịnh Xuân Trường"


def _person_form(organisation, name, person=None):
    """The person's add page (its change page for `person`) as an administrator fills it in."""
    return form_data(
        person or Person(), full_name=name, organisation=organisation.pk if organisation else ""
    )


@pytest.mark.parametrize("name", ["TRỊNH XUÂN TRƯỜNG", "Trinh Xuan Truong", "Trịnh  Xuân Trường"])
def test_it_refuses_a_person_of_the_same_organisation_named_as_another(
    admin_client, former_committee, name
):
    PersonFactory(full_name=TRUONG, organisation=former_committee)

    response = add(admin_client, Person, _person_form(former_committee, name))

    assert response.status_code == 200
    assert (
        f"{former_committee} đã có người tên “{TRUONG}”: hai tên chỉ khác nhau về chữ hoa, dấu "
        "hoặc khoảng trắng."
    ) in page_text(response)
    assert Person.objects.count() == 1


def test_it_refuses_a_person_of_no_organisation_named_as_another(admin_client, db):
    PersonFactory(full_name="Đặng Xuân Phong", organisation=None)

    response = add(admin_client, Person, _person_form(None, "ĐẶNG XUÂN PHONG"))

    assert response.status_code == 200
    assert (
        "Đã có người không thuộc tổ chức nào mang tên “Đặng Xuân Phong”: hai tên chỉ khác nhau về "
        "chữ hoa, dấu hoặc khoảng trắng. Nếu đây là hai người khác nhau, hãy ghi tổ chức của "
        "người này."
    ) in page_text(response)
    assert Person.objects.count() == 1


def test_it_adds_a_namesake_of_another_organisation(admin_client, former_committee, vnpt):
    """Vietnamese names repeat: a namesake elsewhere is another person, told apart by the
    organisation shown beside the name."""
    PersonFactory(full_name=TRUONG, organisation=former_committee)

    response = add(admin_client, Person, _person_form(vnpt, TRUONG))

    assert response.status_code == 302
    assert Person.objects.filter(full_name=TRUONG).count() == 2


def test_it_renames_a_person_in_capitals_of_their_own(admin_client, former_committee):
    person = PersonFactory(full_name=TRUONG, organisation=former_committee)

    response = change(
        admin_client, person, _person_form(former_committee, "TRỊNH XUÂN TRƯỜNG", person)
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "TRỊNH XUÂN TRƯỜNG"


def test_the_database_refuses_a_person_twin_saved_around_the_form(former_committee):
    PersonFactory(full_name=TRUONG, organisation=former_committee)

    with pytest.raises(IntegrityError):
        PersonFactory(full_name="Trinh Xuan Truong", organisation=former_committee)


def test_it_refuses_phase_years_its_agreements_would_no_longer_fit(
    admin_client, provinces, next_phase
):
    committee = OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.lao_cai)
    agreement = AgreementFactory(
        title="Thỏa thuận hợp tác giai đoạn 2026–2030",
        counterparty=committee,
        phase=next_phase,
        period_start=2026,
        period_end=2030,
        signed_on=d(2026, 3, 2),
    )
    data = form_data(next_phase, name="2031–2035", start_year="2031", end_year="2035")
    response = change(admin_client, next_phase, data)

    assert response.status_code == 200
    assert (
        "1 thỏa thuận của giai đoạn này sẽ không còn phù hợp với các năm 2031–2035"
    ) in page_text(response)
    assert "Thỏa thuận hợp tác giai đoạn 2026–2030 (2026–2030, 02/03/2026)" in page_text(response)
    next_phase.refresh_from_db()
    assert (next_phase.start_year, next_phase.end_year) == (2026, 2030)
    # Nothing was left that the agreement's own rules refuse.
    agreement.full_clean()
    agreement.save()


def test_a_phase_reads_its_agreements_only_when_its_years_change(next_phase, provinces):
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partnerships.models import Phase

    committee = OrganisationFactory(name=LAO_CAI_COMMITTEE, province=provinces.lao_cai)
    AgreementFactory(
        title="Thỏa thuận hợp tác giai đoạn 2026–2030",
        counterparty=committee,
        phase=next_phase,
        period_start=2026,
        period_end=2030,
        signed_on=d(2026, 3, 2),
    )
    phase = Phase.objects.get(pk=next_phase.pk)
    phase.name = "Giai đoạn 2026–2030"
    with CaptureQueriesContext(connection) as renamed:
        phase.full_clean()
    assert not [query for query in renamed.captured_queries if "agreement" in query["sql"]]

    phase.name, phase.start_year, phase.end_year = "Giai đoạn 2031–2035", 2031, 2035
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        phase.full_clean()
    assert refused.value.message_dict[NON_FIELD_ERRORS] == [
        "1 agreement of this phase would no longer fit the years 2031–2035 (its period must "
        "share a year with the phase, and it must be signed from the year before the phase to "
        "its last year): Thỏa thuận hợp tác giai đoạn 2026–2030 (2026–2030, 2 Mar 2026). Move "
        "it to another phase or change its period first."
    ]


@pytest.fixture
def current_phase():
    return PhaseFactory(code="2021-2025", name="2021–2025", start_year=2021, end_year=2025)


@pytest.fixture
def reported(former_committee, current_phase):
    """Lào Cai's 2021–2025 agreement, signed on 05/08/2021, with reports for Q3/2021 to
    Q2/2025: approved, but the last one still a draft."""
    agreement = AgreementFactory(
        title="Thỏa thuận hợp tác VT-CNTT giai đoạn 2021–2025",
        counterparty=former_committee,
        phase=current_phase,
        signed_on=d(2021, 8, 5),
    )
    quarters = quarter_range(Quarter(2021, 3), Quarter(2025, 2))
    for quarter in quarters:
        status = ReportStatus.DRAFT if quarter == quarters[-1] else ReportStatus.APPROVED
        QuarterlyReportFactory(agreement=agreement, quarter=quarter.code, status=status)
    return agreement


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"period_end": "2023"},
            "Thỏa thuận đã có báo cáo cho Quý 1/2024–Quý 2/2025, nằm ngoài thời hạn 2021–2023: "
            "số liệu của các báo cáo đó sẽ không còn được tính. Hãy giữ các quý đó trong thời "
            "hạn, hoặc xóa các báo cáo đó trước.",
        ),
        (
            {"period_start": "2022"},
            "Thỏa thuận đã có báo cáo cho Quý 3/2021–Quý 4/2021, nằm ngoài thời hạn 2022–2025",
        ),
    ],
)
def test_it_refuses_a_period_that_would_leave_reports_outside_it(
    admin_client, reported, changes, message
):
    response = change(admin_client, reported, form_data(reported, **changes))

    assert response.status_code == 200
    assert message in page_text(response)
    reported.refresh_from_db()
    assert reported.period_label == "2021–2025"


def test_it_names_each_run_of_quarters_a_period_would_leave_outside(reported):
    reported.reports.filter(quarter=20243).delete()
    reported.period_end = 2023

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        reported.full_clean()

    assert refused.value.message_dict["period_end"] == [
        "The agreement has reports for Q1/2024–Q2/2024, Q4/2024–Q2/2025, outside the period "
        "2021–2023: their figures would no longer count. Keep those quarters in the period, or "
        "delete the reports first."
    ]


def test_it_saves_a_period_that_keeps_every_report_inside_it(admin_client, reported):
    reported.reports.filter(quarter__gte=20241).delete()

    response = change(admin_client, reported, form_data(reported, period_end="2023"))

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.period_label == "2021–2023"


def test_it_refuses_a_period_that_would_leave_targets_outside_it(admin_client, reported):
    KpiTargetFactory(agreement=reported, target_on=d(2025, 12, 31))
    reported.reports.filter(quarter__gte=20251).delete()

    response = change(admin_client, reported, form_data(reported, period_end="2024"))

    assert response.status_code == 200
    assert (
        "1 mục tiêu KPI của thỏa thuận có thời hạn đạt mục tiêu 31/12/2025, nằm ngoài thời hạn "
        "2021–2024: hãy sửa thời hạn đạt mục tiêu trước."
    ) in page_text(response)
    reported.refresh_from_db()
    assert reported.period_end == 2025


def test_it_says_only_that_a_backwards_period_runs_backwards(admin_client, provinces, next_phase):
    committee = OrganisationFactory(province=provinces.lao_cai)
    data = _new_agreement(committee, next_phase, period_start="2026", period_end="2025")
    response = add(admin_client, Agreement, data)

    assert response.status_code == 200
    assert "Thời hạn không được kết thúc (2025) trước khi bắt đầu (2026)." in page_text(response)
    assert "không có năm nào thuộc giai đoạn" not in page_text(response)
    assert not Agreement.objects.exists()


def test_it_refuses_to_make_a_counterparty_vnpt(admin_client, provinces, reported):
    committee = reported.counterparty
    data = _organisation_form(provinces.former_lao_cai, kind=OrganisationKind.VNPT)
    response = change(admin_client, committee, data)

    assert response.status_code == 200
    assert (
        "Tổ chức này là đối tác của 1 thỏa thuận: Thỏa thuận hợp tác VT-CNTT giai đoạn 2021–2025 "
        "(2021–2025, 05/08/2021). VNPT là một bên của mọi thỏa thuận, nên đối tác không thể "
        "thuộc loại VNPT."
    ) in page_text(response)
    committee.refresh_from_db()
    assert committee.kind == OrganisationKind.PEOPLES_COMMITTEE


def test_it_refuses_to_move_a_committee_to_a_province_that_did_not_exist_at_its_signings(
    admin_client, provinces, reported
):
    committee = reported.counterparty
    AgreementFactory(
        title="Thỏa thuận hợp tác chiến lược giai đoạn 2014–2020",
        counterparty=committee,
        phase=PhaseFactory(code="2014-2020", name="2014–2020", start_year=2014, end_year=2020),
        signed_on=d(2014, 9, 17),
    )
    # The current Lào Cai exists from 01/07/2025, after both signings.
    response = change(admin_client, committee, _organisation_form(provinces.lao_cai))

    assert response.status_code == 200
    assert (
        "Lào Cai không tồn tại vào thời điểm ký 2 thỏa thuận của tổ chức này: Thỏa thuận hợp tác "
        "chiến lược giai đoạn 2014–2020 (2014–2020, 17/09/2014); Thỏa thuận hợp tác VT-CNTT giai "
        "đoạn 2021–2025 (2021–2025, 05/08/2021). Một đơn vị chỉ ký kết được khi đang tồn tại: hãy "
        "chọn tỉnh, thành phố như tại thời điểm ký."
    ) in page_text(response)
    committee.refresh_from_db()
    assert committee.province == provinces.former_lao_cai
    # Nothing was left that the agreements' own rules refuse.
    reported.full_clean()


def test_it_moves_a_committee_to_a_province_that_existed_at_its_signings(
    admin_client, provinces, reported
):
    committee = reported.counterparty
    response = change(admin_client, committee, _organisation_form(provinces.former_yen_bai))

    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.province == provinces.former_yen_bai


def test_it_refuses_phase_years_that_overlap_another_phase(admin_client, current_phase, next_phase):
    data = form_data(current_phase, name="2021–2027", end_year="2027")
    response = change(admin_client, current_phase, data)

    assert response.status_code == 200
    assert (
        "Các năm 2021–2027 trùng với giai đoạn 2026–2030: mỗi quý chỉ thuộc một giai đoạn. Hãy "
        "chọn các năm không thuộc giai đoạn khác."
    ) in page_text(response)
    current_phase.refresh_from_db()
    assert (current_phase.start_year, current_phase.end_year) == (2021, 2025)


def test_it_refuses_a_new_phase_inside_another(admin_client, current_phase):
    data = form_data(
        Phase(), code="2024", name="Giai đoạn bổ sung", start_year="2024", end_year="2024"
    )
    response = add(admin_client, Phase, data)

    assert response.status_code == 200
    assert "Các năm 2024–2024 trùng với giai đoạn 2021–2025:" in page_text(response)
    assert list(Phase.objects.all()) == [current_phase]


def test_it_adds_a_phase_that_follows_the_last(admin_client, current_phase):
    data = form_data(
        Phase(), code="2026-2030", name="2026–2030", start_year="2026", end_year="2030"
    )
    response = add(admin_client, Phase, data)

    assert response.status_code == 302
    assert Phase.objects.count() == 2


def test_it_refuses_phase_years_that_would_leave_targets_out(admin_client, reported, current_phase):
    KpiTargetFactory(agreement=reported, target_on=d(2025, 12, 31))
    data = form_data(current_phase, name="2021–2024", end_year="2024")
    response = change(admin_client, current_phase, data)

    assert response.status_code == 200
    assert (
        "1 mục tiêu KPI của các thỏa thuận thuộc giai đoạn này có thời hạn đạt mục tiêu trong năm "
        "2025, ngoài các năm 2021–2024"
    ) in page_text(response)
    current_phase.refresh_from_db()
    assert current_phase.end_year == 2025
