from tests.factories import AgreementFactory, KpiValueFactory


def test_it_lists_a_current_provinces_agreements_through_its_predecessors(provinces):
    from partnerships.models import Agreement, OrganisationKind
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(
        province=provinces.former_quang_binh, kind=OrganisationKind.PEOPLES_COMMITTEE
    )
    agreement = AgreementFactory(counterparty=organisation)
    assert list(Agreement.objects.for_province(provinces.quang_tri)) == [agreement]
    assert list(Agreement.objects.for_province(provinces.lao_cai)) == []


def test_it_stores_a_ratio_share(db):
    value = KpiValueFactory(kpi__ratio=True, value=None, numerator=1024, denominator=1569)
    assert str(value.value) == "65.26"
