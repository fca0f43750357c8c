"""A small country for the dashboard tests: facts from the articles and a few 2021–2025 series."""

import datetime
from dataclasses import dataclass

from progress import services as progress

from .factories import CommitmentFactory, MilestoneFactory, ParticipantFactory, SourceFactory
from .progress_data import agreement_for, catalogue, report, target


@dataclass
class World:
    kpis: dict
    lao_cai_2014: object
    lao_cai_2021: object
    yen_bai_2021: object
    quang_binh_2021: object


def build_world(provinces, scale: int = 1) -> World:
    """The seed facts plus synthetic series; `scale` more agreements per unit for size tests."""
    kpis = catalogue()
    bts, ftth, fibre, level4 = (
        kpis["bts_total"],
        kpis["ftth_subscribers"],
        kpis["villages_fibre"],
        kpis["level4_services_pct"],
    )
    lao_cai_2014 = agreement_for(
        provinces.former_lao_cai,
        start=2014,
        end=2020,
        signed_on=datetime.date(2014, 9, 17),
        title="Thỏa thuận hợp tác chiến lược Lào Cai – VNPT 2014–2020",
    )
    fact = report(
        lao_cai_2014, "2020Q4", {bts: 1000, ftth: 46495, fibre: (1024, 1569), level4: 100}
    )
    fact.source = SourceFactory(code="003", title="Lào Cai và VNPT ký thỏa thuận")
    fact.save()
    series = {}
    for unit, (stations, subscribers, villages, services, name) in {
        provinces.former_lao_cai: (1100, 52000, (1100, 1569), 40, "lao_cai_2021"),
        provinces.former_yen_bai: (900, 30000, (700, 1200), 85, "yen_bai_2021"),
        provinces.former_quang_binh: (950, 41000, (900, 1500), 60, "quang_binh_2021"),
    }.items():
        agreement = agreement_for(
            unit, title=f"Thỏa thuận {unit.name} – VNPT 2021–2025", is_demo=True
        )
        for step, quarter in enumerate(("2024Q3", "2024Q4", "2025Q1", "2025Q2")):
            report(
                agreement,
                quarter,
                {
                    bts: stations + 20 * step,
                    ftth: subscribers + 1000 * step,
                    fibre: (villages[0] + 10 * step, villages[1]),
                    level4: services,
                },
                is_demo=True,
            )
        target(agreement, bts, stations + 60, is_demo=True)
        target(agreement, ftth, subscribers + 8000, is_demo=True)
        target(agreement, fibre, 80, is_demo=True)
        target(agreement, level4, 80, is_demo=True)
        series[name] = agreement
        for extra in range(scale - 1):
            more = agreement_for(unit, title=f"Phụ lục {extra} {unit.name}", signed_on=None)
            report(more, "2023Q4", {bts: stations - 50, ftth: subscribers - 500})
            target(more, bts, stations)
    ParticipantFactory(agreement=series["lao_cai_2021"], title_then="Chủ tịch UBND tỉnh")
    CommitmentFactory(agreement=series["lao_cai_2021"], text="Phủ sóng 100% thôn, bản")
    MilestoneFactory(
        agreement=lao_cai_2014, title="Ký kết thỏa thuận", occurred_on=datetime.date(2014, 9, 17)
    )
    progress.recompute_all()
    return World(
        kpis,
        lao_cai_2014,
        series["lao_cai_2021"],
        series["yen_bai_2021"],
        series["quang_binh_2021"],
    )
