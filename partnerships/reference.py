"""The reference data every install needs: phases, commitment areas and the KPI catalogue.

A production database gets them from `manage.py load_reference_data` (run after
`migrate`, any number of times); the demo loader builds on them. Written as
facts here, in Vietnamese first, and upserted by their codes, so a run changes
only what differs and an administrator's later additions stay.
"""

from dataclasses import dataclass

from provinces.services import upsert

from .models import CommitmentArea, Kpi, KpiKind, Phase, SpaceAggregation, TimeAggregation

PHASES = [("2014-2020", 2014, 2020), ("2021-2025", 2021, 2025), ("2026-2030", 2026, 2030)]

AREAS = [
    (
        "telecom-infrastructure",
        "Hạ tầng viễn thông và vùng phủ sóng",
        "Telecom infrastructure and coverage",
    ),
    (
        "it-infrastructure",
        "Hạ tầng CNTT phục vụ chính quyền điện tử",
        "IT infrastructure for e-government",
    ),
    (
        "e-government",
        "Chính quyền điện tử và chính quyền số",
        "E-government and digital government",
    ),
    ("digital-transformation", "Chuyển đổi số", "Digital transformation"),
    ("information-security", "An toàn thông tin", "Information security"),
    ("human-resources", "Nguồn nhân lực và đào tạo", "Human resources and training"),
    ("smart-city", "Đô thị thông minh và trung tâm điều hành", "Smart city and operations centres"),
    ("innovation", "Đổi mới sáng tạo và khởi nghiệp", "Innovation and start-ups"),
    (
        "ethnic-minority-services",
        "Truyền thông và dịch vụ giá trị gia tăng cho vùng dân tộc thiểu số và miền núi",
        "Communication and value-added services for ethnic-minority and mountain areas",
    ),
]


@dataclass(frozen=True)
class KpiFact:
    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    kind: str
    area: str
    is_headline: bool = False
    parent: str | None = None


COUNT, RATIO, PERCENT = KpiKind.COUNT, KpiKind.RATIO, KpiKind.PERCENTAGE

KPIS = [
    KpiFact("bts_total", "Tổng số trạm BTS", "BTS stations", "trạm", "stations", COUNT, "telecom-infrastructure", True),
    KpiFact("bts_2g", "Trạm BTS 2G", "2G BTS stations", "trạm", "stations", COUNT, "telecom-infrastructure", True, "bts_total"),
    KpiFact("bts_3g", "Trạm BTS 3G", "3G BTS stations", "trạm", "stations", COUNT, "telecom-infrastructure", True, "bts_total"),
    KpiFact("bts_4g", "Trạm BTS 4G", "4G BTS stations", "trạm", "stations", COUNT, "telecom-infrastructure", True, "bts_total"),
    KpiFact("mobile_subscribers", "Thuê bao di động", "Mobile subscribers", "thuê bao", "subscribers", COUNT, "telecom-infrastructure"),
    KpiFact("mobile_broadband_subscribers", "Thuê bao Internet băng rộng di động", "Mobile broadband subscribers", "thuê bao", "subscribers", COUNT, "telecom-infrastructure", True),
    KpiFact("ftth_subscribers", "Thuê bao FTTH", "FTTH subscribers", "thuê bao", "subscribers", COUNT, "telecom-infrastructure", True),
    KpiFact("communes_mobile", "Xã, phường, thị trấn có sóng di động", "Communes, wards and townships with mobile coverage", "xã", "communes", RATIO, "telecom-infrastructure"),
    KpiFact("villages_4g", "Thôn, bản, tổ dân phố có sóng 4G", "Villages and residential groups with 4G", "thôn", "villages", RATIO, "telecom-infrastructure", True),
    KpiFact("villages_mobile", "Thôn, bản có sóng di động và Internet", "Villages with mobile and Internet coverage", "thôn", "villages", RATIO, "telecom-infrastructure"),
    KpiFact("villages_fibre", "Thôn, bản, tổ dân phố có cáp quang", "Villages and residential groups reached by fibre", "thôn", "villages", RATIO, "telecom-infrastructure", True),
    KpiFact("level4_services_pct", "Tỷ lệ dịch vụ công trực tuyến mức độ 4", "Public services offered at level 4", "%", "%", PERCENT, "e-government", True),
    KpiFact("igate_agencies_pct", "Tỷ lệ cơ quan nhà nước dùng VNPT i-Gate", "State agencies using VNPT i-Gate", "%", "%", PERCENT, "e-government"),
    KpiFact("agencies_fibre_pct", "Tỷ lệ cơ quan, trường học, cơ sở y tế có cáp quang", "Agencies, schools and health facilities on fibre", "%", "%", PERCENT, "it-infrastructure"),
    KpiFact("ioffice_provincial_units", "Đơn vị cấp tỉnh dùng VNPT i-Office", "Provincial units using VNPT i-Office", "đơn vị", "units", COUNT, "e-government"),
    KpiFact("ioffice_district_committees", "UBND cấp huyện dùng VNPT i-Office", "District People's Committees using VNPT i-Office", "đơn vị", "committees", COUNT, "e-government"),
    KpiFact("ioffice_communes", "Xã, phường, thị trấn dùng VNPT i-Office", "Communes using VNPT i-Office", "xã", "communes", COUNT, "e-government"),
]  # fmt: skip

SPACE_AGGREGATION = {
    COUNT: SpaceAggregation.SUM,
    RATIO: SpaceAggregation.RATIO_OF_SUMS,
    PERCENT: SpaceAggregation.NONE,
}


def phases() -> dict[str, Phase]:
    """The reference phases by code: the phase spanning their years, whatever its own code.

    An installation that named a phase differently keeps it; nothing is duplicated.
    """
    return {
        code: Phase.objects.filter(start_year=start, end_year=end).order_by("pk").first()
        for code, start, end in PHASES
    }


def load_reference_data() -> dict[tuple, int]:
    """Upsert the phases, areas and KPIs; how many of each model were created, updated, unchanged."""
    outcomes: dict[tuple, int] = {}

    def put(model, lookup, values):
        obj, outcome = upsert(model, lookup, values)
        outcomes[(model, outcome)] = outcomes.get((model, outcome), 0) + 1
        return obj

    existing = phases()
    for code, start, end in PHASES:
        if existing[code] is None:
            put(
                Phase,
                {"code": code},
                {"name": f"{start}–{end}", "start_year": start, "end_year": end},
            )
    areas = {}
    for order, (code, name_vi, name_en) in enumerate(AREAS, start=1):
        areas[code] = put(
            CommitmentArea,
            {"code": code},
            {"name_vi": name_vi, "name_en": name_en, "order": order * 10},
        )
    kpis = {}
    for order, kpi in enumerate(KPIS, start=1):
        kpis[kpi.code] = put(
            Kpi,
            {"code": kpi.code},
            {
                "name_vi": kpi.name_vi,
                "name_en": kpi.name_en,
                "unit_vi": kpi.unit_vi,
                "unit_en": kpi.unit_en,
                "kind": kpi.kind,
                "time_aggregation": TimeAggregation.LATEST,
                "space_aggregation": SPACE_AGGREGATION[kpi.kind],
                "parent": kpis[kpi.parent] if kpi.parent else None,
                "area": areas[kpi.area],
                "is_headline": kpi.is_headline,
                "order": order * 10,
            },
        )
    return outcomes
