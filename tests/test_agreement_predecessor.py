"""An agreement follows an earlier one of the same unit, never one that follows it.

Across the 2025 merger the same unit is the province or a former unit merged into it:
the new Lào Cai's agreement may follow the former Yên Bái's, not the other way round.
"""

import datetime

import pytest

from partnerships.models import Agreement

from .admin_forms import change, form_data, page_text
from .factories import AgreementFactory, OrganisationFactory, PhaseFactory

pytestmark = pytest.mark.django_db

d = datetime.date


@pytest.fixture
def phases():
    return {
        start: PhaseFactory(
            code=f"{start}-{end}", name=f"{start}–{end}", start_year=start, end_year=end
        )
        for start, end in ((2014, 2020), (2021, 2025), (2026, 2030))
    }


def _agreement(province, phase, signed_on, **fields):
    counterparty = fields.pop("counterparty", None) or OrganisationFactory(province=province)
    return AgreementFactory(counterparty=counterparty, phase=phase, signed_on=signed_on, **fields)


def _refused(admin_client, agreement, message, **changes):
    before = Agreement.objects.get(pk=agreement.pk).predecessor_id
    response = change(admin_client, agreement, form_data(agreement, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert Agreement.objects.get(pk=agreement.pk).predecessor_id == before


def test_it_refuses_a_cycle_of_previous_agreements(admin_client, provinces, phases):
    first = _agreement(provinces.former_lai_chau, phases[2014], d(2014, 9, 1))
    second = _agreement(
        provinces.former_lai_chau,
        phases[2021],
        d(2021, 4, 29),
        counterparty=first.counterparty,
        predecessor=first,
    )

    _refused(
        admin_client,
        first,
        f"«{second.title}» đã là thỏa thuận kế tiếp của thỏa thuận này (trực tiếp hoặc qua thỏa "
        "thuận khác), nên không thể là thỏa thuận trước của nó.",
        predecessor=str(second.pk),
    )
    assert second.state_on(d(2026, 1, 1)) != "superseded"


def test_it_refuses_a_previous_agreement_of_another_province(admin_client, provinces, phases):
    quang_binh = _agreement(provinces.former_quang_binh, phases[2014], d(2015, 6, 1))
    lai_chau = _agreement(provinces.former_lai_chau, phases[2021], d(2021, 4, 29))

    _refused(
        admin_client,
        lai_chau,
        f"Thỏa thuận trước được ký với {quang_binh.counterparty.name} (đến 30/06/2025): thỏa "
        "thuận chỉ có thể kế tiếp thỏa thuận của cùng tỉnh, thành phố (hoặc của đơn vị hành "
        "chính cũ đã sáp nhập vào đó) hoặc của cùng cơ quan.",
        predecessor=str(quang_binh.pk),
    )


def test_it_refuses_a_previous_agreement_that_starts_later(admin_client, provinces, phases):
    later = _agreement(provinces.former_lao_cai, phases[2021], d(2021, 8, 5))
    earlier = _agreement(
        provinces.former_lao_cai,
        phases[2014],
        d(2014, 9, 17),
        counterparty=later.counterparty,
        period_start=2014,
        period_end=2016,
    )

    _refused(
        admin_client,
        earlier,
        "Thỏa thuận trước (2021–2025) bắt đầu sau thỏa thuận này (2014–2016).",
        predecessor=str(later.pk),
    )


def test_it_lets_a_current_province_follow_a_former_unit_merged_into_it(
    admin_client, provinces, phases
):
    yen_bai = _agreement(provinces.former_yen_bai, phases[2021], d(2021, 6, 1))
    lao_cai = _agreement(provinces.lao_cai, phases[2026], d(2026, 3, 2))

    response = change(admin_client, lao_cai, form_data(lao_cai, predecessor=str(yen_bai.pk)))

    assert response.status_code == 302
    assert Agreement.objects.get(pk=lao_cai.pk).predecessor == yen_bai
    assert yen_bai.state_on(d(2026, 3, 2)) == "superseded"


def test_it_refuses_a_former_unit_following_the_province_it_merged_into(
    admin_client, provinces, phases
):
    lao_cai = _agreement(provinces.lao_cai, phases[2021], d(2025, 8, 1))
    yen_bai = _agreement(provinces.former_yen_bai, phases[2014], d(2014, 6, 1))

    _refused(
        admin_client,
        yen_bai,
        f"Thỏa thuận trước được ký với {lao_cai.counterparty.name}: thỏa thuận chỉ có thể kế tiếp",
        predecessor=str(lao_cai.pk),
    )
