"""factory_boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.search import fold
from milestones.models import CommitmentProgress, KpiValue, QuarterlyReport, ReportStatus
from notifications.models import Kind, Notification, Preference
from partnerships.models import (
    Agreement,
    AgreementKind,
    Commitment,
    CommitmentArea,
    Kpi,
    KpiKind,
    KpiTarget,
    Milestone,
    Organisation,
    OrganisationKind,
    Participant,
    ParticipantSide,
    Person,
    Phase,
    Source,
    SpaceAggregation,
)
from provinces.models import Province, ProvinceAssignment, ProvinceKind, Region

MERGER_DAY = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = datetime.date(2025, 6, 30)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    full_name = factory.LazyAttribute(lambda o: f"Tỉnh {o.name}")
    name_ascii = factory.LazyAttribute(lambda o: fold(o.name).title())
    key = factory.LazyAttribute(lambda o: "tinh" + fold(o.name).replace(" ", ""))
    code = factory.Sequence(lambda n: f"{n % 1000:02d}")
    slug = factory.LazyAttribute(
        lambda o: fold(o.name).replace(" ", "-") + ("-truoc-2025" if o.valid_until else "")
    )
    kind = ProvinceKind.PROVINCE
    region = Region.NORTHERN_MIDLANDS
    valid_from = MERGER_DAY
    valid_until = None

    class Params:
        former = factory.Trait(valid_from=None, valid_until=LAST_DAY_BEFORE_MERGER)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SRC{n:03d}")
    title = factory.Sequence(lambda n: f"Bài báo {n}")


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase
        django_get_or_create = ("code",)

    code = factory.LazyAttribute(lambda o: f"{o.start_year}-{o.end_year}")
    name = factory.LazyAttribute(lambda o: f"{o.start_year}–{o.end_year}")
    start_year = 2021
    end_year = 2025


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    province = factory.SubFactory(ProvinceFactory, former=True)
    name = factory.LazyAttribute(lambda o: f"UBND {o.province.full_name}")
    short_name = factory.LazyAttribute(lambda o: f"UBND {o.province.name}")
    kind = OrganisationKind.PEOPLES_COMMITTEE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")


class CommitmentAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name_vi = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    counterparty = factory.SubFactory(OrganisationFactory)
    phase = factory.SubFactory(PhaseFactory)
    title = factory.LazyAttribute(
        lambda o: f"Thỏa thuận {o.counterparty.short_name} – VNPT {o.period_start}–{o.period_end}"
    )
    kind = AgreementKind.STRATEGIC
    period_start = factory.LazyAttribute(lambda o: o.phase.start_year)
    period_end = factory.LazyAttribute(lambda o: o.phase.end_year)
    signed_on = factory.LazyAttribute(lambda o: datetime.date(o.period_start, 4, 29))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    agreement = factory.SubFactory(AgreementFactory)
    person = factory.SubFactory(PersonFactory)
    side = ParticipantSide.COUNTERPARTY
    title_then = "Chủ tịch UBND tỉnh"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    agreement = factory.SubFactory(AgreementFactory)
    area = factory.SubFactory(CommitmentAreaFactory)
    text = factory.Sequence(lambda n: f"Cam kết số {n}")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kpi_{n}")
    name_vi = factory.Sequence(lambda n: f"Chỉ tiêu {n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    unit_vi = "trạm"
    unit_en = "stations"
    kind = KpiKind.COUNT
    space_aggregation = SpaceAggregation.SUM

    class Params:
        ratio = factory.Trait(
            kind=KpiKind.RATIO,
            space_aggregation=SpaceAggregation.RATIO_OF_SUMS,
            unit_vi="thôn",
            unit_en="villages",
        )
        percentage = factory.Trait(
            kind=KpiKind.PERCENTAGE,
            space_aggregation=SpaceAggregation.NONE,
            unit_vi="%",
            unit_en="%",
        )


class KpiTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiTarget

    agreement = factory.SubFactory(AgreementFactory)
    kpi = factory.SubFactory(KpiFactory)
    target_value = 100
    target_on = factory.LazyAttribute(lambda o: datetime.date(o.agreement.period_end, 12, 31))


class QuarterlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReport

    agreement = factory.SubFactory(AgreementFactory)
    quarter = 20214

    class Params:
        # Waiting for review, at a version past the first as saving and submitting leave
        # it: a decision sent with a stale or default version is refused.
        submitted = factory.Trait(status=ReportStatus.SUBMITTED, version=3)


class KpiValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiValue

    report = factory.SubFactory(QuarterlyReportFactory)
    kpi = factory.SubFactory(KpiFactory)
    value = 10


def submitted_report(scenario, quarter: int, bts_total=None) -> QuarterlyReport:
    """A reporting scenario's report of `quarter` waiting for review, with its count of
    BTS stations when given (tests/conftest.py's ReportingScenario)."""
    report = QuarterlyReportFactory(agreement=scenario.agreement, quarter=quarter, submitted=True)
    if bts_total is not None:
        KpiValueFactory(report=report, kpi=scenario.bts_total, value=bts_total)
    return report


class CommitmentProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentProgress

    report = factory.SubFactory(QuarterlyReportFactory)
    commitment = factory.SubFactory(CommitmentFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Sự kiện {n}")
    occurred_on = datetime.date(2021, 6, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        for province in extracted or ():
            ProvinceAssignment.objects.create(user=self, province=province)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.DEADLINES
    key = factory.Sequence(lambda n: f"2025-10-{n % 28 + 1:02d}-{n}")
    subject = factory.Sequence(lambda n: f"Nộp báo cáo quý {n}")
    body_text = "Nhắc hạn nộp báo cáo."
    body_html = "<p>Nhắc hạn nộp báo cáo.</p>"
    language = "vi"
    email = factory.LazyAttribute(lambda o: o.recipient.email)


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    user = factory.SubFactory(UserFactory)
