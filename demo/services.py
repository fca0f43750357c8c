"""The demo data set: every fact the five source articles give, and flagged synthetic figures.

The fact tables below are typed from the articles (sources 000–004) and keep their
uncertainty in notes rather than inventing precision. Synthetic agreements, reports,
targets and figures exist only so the dashboards and the reporting workflow have
something to show; each of them carries `is_demo=True`.

Every loader matches rows by a natural key and saves only what changed, so running
`seed_demo` again leaves every table, history tables included, exactly as it was.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.dates import DatePrecision
from core.quarters import Quarter, quarter_range
from milestones.models import KpiValue, QuarterlyReport, ReportStatus
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
    ParticipantRole,
    ParticipantSide,
    Person,
    ResponsibleSide,
    SigningMode,
    Source,
)
from partnerships.reference import load_reference_data
from partnerships.reference import phases as reference_phases
from provinces.access import Role
from provinces.models import Province, ProvinceAssignment
from provinces.services import Upsert, ensure_role_groups, load_provinces_from_package, upsert

d = datetime.date

# Catalogues --------------------------------------------------------------------

SOURCES = [
    {
        "code": "000",
        "title": (
            "Lễ ký kết biên bản ghi nhớ giữa UBND tỉnh Lai Châu và Tập đoàn Bưu chính Viễn "
            "thông Việt Nam (VNPT) vừa diễn ra vào chiều nay - 29/4 tại Hà Nội"
        ),
        "publisher": "",
        "published_on": d(2021, 4, 29),
        "excerpt": "Đây là sự tiếp nối của quá trình hợp tác chiến lược trước đó…",
    },
    {
        "code": "001",
        "title": "VNPT rút ngắn “khoảng cách số” cho các địa phương",
        "publisher": "VnMedia",
        "published_on": None,
        "excerpt": "Chỉ từ đầu tháng 9 tới nay, VNPT liên tiếp ký kết hợp tác chiến lược…",
    },
    {
        "code": "002",
        "title": "Đẩy mạnh hợp tác chiến lược giữa Tập đoàn VNPT và UBND tỉnh Quảng Bình",
        "publisher": "Báo Quảng Bình (QBĐT)",
        "published_on": d(2020, 9, 24),
        "excerpt": "Hội nghị tổng kết 5 năm thỏa thuận hợp tác chiến lược về VT-CNTT…",
    },
    {
        "code": "003",
        "title": (
            "Sau 05 năm (2014-2020) triển khai hợp tác với Tập đoàn VNPT, tỉnh Lào Cai đã đạt "
            "những thành tựu đáng tự hào về phát triển hạ tầng Viễn thông-CNTT và triển khai "
            "chính quyền điện tử"
        ),
        "publisher": "",
        "published_on": None,
        "excerpt": "Tính đến hết năm 2020, với 1.000 trạm BTS…",
    },
    {
        "code": "004",
        "title": (
            "Trong xu thế phát triển mạnh mẽ của viễn thông - công nghệ thông tin, triển khai "
            "Nghị quyết số 26/NQ-CP của Chính phủ về việc đẩy mạnh ứng dụng CNTT trong cơ quan "
            "nhà nước…"
        ),
        "publisher": "",
        "published_on": None,
        "excerpt": "Thỏa thuận hợp tác chiến lược về VT-CNTT giai đoạn 2017 - 2022…",
    },
]

# Parties ------------------------------------------------------------------------

VNPT = "vnpt"
ETHNIC_MINORITY_COMMITTEE = "ubdt"
ORGANISATIONS = {
    VNPT: ("Tập đoàn Bưu chính Viễn thông Việt Nam", "VNPT", OrganisationKind.VNPT),
    ETHNIC_MINORITY_COMMITTEE: ("Ủy ban Dân tộc", "UBDT", OrganisationKind.CENTRAL_AGENCY),
}

# People's Committees are named by the data-package key of the province as it was
# when it signed; the committee is attached to that former unit.
SIGNING_PROVINCES = [
    "tinhdienbien",
    "tinhhanam",
    "tinhkiengiang",
    "tinhninhthuan",
    "tinhnghean",
    "tinhhoabinh",
    "tinhlaocai",
    "tinhquangbinh",
    "tinhtuyenquang",
    "tinhlaichau",
]

PEOPLE = {
    "Nguyễn Thanh Nghị": "tinhkiengiang",
    "Trần Mạnh Hùng": VNPT,
    "Trần Công Thuật": "tinhquangbinh",
    "Nguyễn Tiến Hoàng": "tinhquangbinh",
    "Phạm Đức Long": VNPT,
    "Tống Thanh Hải": "tinhlaichau",
    "Tô Dũng Thái": VNPT,
    "Trịnh Xuân Trường": "tinhlaocai",
    "Huỳnh Quang Liêm": VNPT,
    # The Party Secretary belongs to no party of the agreements.
    "Đặng Xuân Phong": None,
}

# Agreements --------------------------------------------------------------------

SEPTEMBER_2014_NOTE = (
    "Bài 001 cho biết VNPT ký với Ủy ban Dân tộc và UBND các tỉnh Ninh Thuận, Nghệ An, "
    "Hòa Bình vào các ngày 9/9, 11/9, 13/9 và 15/9/2014, liệt kê theo cùng một thứ tự "
    "nhưng không ghép rõ từng ngày với từng bên ký, nên chỉ ghi tháng 9/2014."
)
AUGUST_2014_NOTE = (
    "Bài 001 chỉ cho biết VNPT ký với UBND tỉnh trong tháng 8/2014, không nêu ngày ký, "
    "người ký hay nội dung thỏa thuận."
)
AUGUST_2014_KIND_NOTE = (
    "Bài 001 chỉ viết VNPT “đã ký kết hợp tác” với UBND tỉnh; loại thỏa thuận (hợp tác "
    "chiến lược) và giai đoạn 2014–2020 được suy ra từ đoạn nói về các lễ ký tháng 9/2014."
)


@dataclass(frozen=True)
class AgreementFact:
    ref: str
    party: str
    kind: str
    phase: str
    period: tuple[int, int]
    signed_on: datetime.date | None
    precision: str
    title: str
    sources: tuple[str, ...]
    place: str = ""
    mode: str = SigningMode.UNKNOWN
    predecessor: str | None = None
    notes: str = ""
    # What is inferred rather than stated, beside the fact it concerns.
    kind_note: str = ""
    period_note: str = ""
    signing_note: str = ""


def _strategic_2014(ref, party, name, signed_on, precision, sources=("001",), **notes):
    return AgreementFact(
        ref=ref,
        party=party,
        kind=AgreementKind.STRATEGIC,
        phase="2014-2020",
        period=(2014, 2020),
        signed_on=signed_on,
        precision=precision,
        title=(
            "Thỏa thuận hợp tác chiến lược về VT-CNTT giai đoạn 2014–2020 giữa UBND tỉnh "
            f"{name} và Tập đoàn VNPT"
        ),
        sources=sources,
        **notes,
    )


AGREEMENTS = [
    _strategic_2014(
        "dien-bien-2014", "tinhdienbien", "Điện Biên", d(2014, 8, 1), DatePrecision.MONTH,
        notes=AUGUST_2014_NOTE, kind_note=AUGUST_2014_KIND_NOTE,
        signing_note="Bài 001 chỉ nêu tháng 8/2014, không nêu ngày ký.",
    ),
    _strategic_2014(
        "ha-nam-2014", "tinhhanam", "Hà Nam", d(2014, 8, 1), DatePrecision.MONTH,
        notes=AUGUST_2014_NOTE, kind_note=AUGUST_2014_KIND_NOTE,
        signing_note="Bài 001 chỉ nêu tháng 8/2014, không nêu ngày ký.",
    ),
    _strategic_2014(
        "kien-giang-2014", "tinhkiengiang", "Kiên Giang", d(2014, 9, 4), DatePrecision.DAY,
        signing_note="Ngày 4/9/2014 lấy từ chú thích ảnh lễ ký trong bài 001.",
    ),
    AgreementFact(
        ref="ubdt-2014",
        party=ETHNIC_MINORITY_COMMITTEE,
        kind=AgreementKind.PROGRAMME,
        phase="2014-2020",
        period=(2014, 2020),
        signed_on=d(2014, 9, 1),
        precision=DatePrecision.MONTH,
        title="Chương trình hợp tác giữa Ủy ban Dân tộc và Tập đoàn VNPT giai đoạn 2014–2020",
        sources=("001",),
        signing_note=SEPTEMBER_2014_NOTE,
    ),
    _strategic_2014(
        "ninh-thuan-2014", "tinhninhthuan", "Ninh Thuận", d(2014, 9, 1), DatePrecision.MONTH,
        signing_note=SEPTEMBER_2014_NOTE,
    ),
    _strategic_2014(
        "nghe-an-2014", "tinhnghean", "Nghệ An", d(2014, 9, 1), DatePrecision.MONTH,
        signing_note=SEPTEMBER_2014_NOTE,
    ),
    _strategic_2014(
        "hoa-binh-2014", "tinhhoabinh", "Hòa Bình", d(2014, 9, 1), DatePrecision.MONTH,
        signing_note=SEPTEMBER_2014_NOTE,
    ),
    _strategic_2014(
        "lao-cai-2014", "tinhlaocai", "Lào Cai", d(2014, 9, 17), DatePrecision.DAY,
        sources=("001", "003"),
        notes=(
            "Bài 001 cho biết lễ ký diễn ra chiều 17/9/2014 nhưng không nêu người ký hay nội "
            "dung; bài 003 tổng kết kết quả 5 năm hợp tác."
        ),
    ),
    _strategic_2014(
        "lai-chau-2014", "tinhlaichau", "Lai Châu", None, DatePrecision.DAY,
        sources=("000",),
        notes=(
            "Bài 000 nhắc đến quá trình hợp tác chiến lược giai đoạn 2014–2020 giữa hai bên, "
            "là tiền đề của biên bản ghi nhớ năm 2021, nhưng không nêu người ký hay nội dung."
        ),
        kind_note=(
            "Bài 000 viết về “quá trình hợp tác chiến lược trước đó” trong giai đoạn "
            "2014–2020, VNPT với vai trò đối tác chiến lược về VT-CNTT; không nêu tên văn bản "
            "đã ký."
        ),
        signing_note="Bài 000 không nêu ngày ký.",
    ),
    AgreementFact(
        ref="quang-binh-2015",
        party="tinhquangbinh",
        kind=AgreementKind.STRATEGIC,
        phase="2014-2020",
        period=(2015, 2020),
        signed_on=d(2015, 1, 1),
        precision=DatePrecision.YEAR,
        title=(
            "Thỏa thuận hợp tác chiến lược về VT-CNTT giai đoạn 2015–2020 giữa UBND tỉnh "
            "Quảng Bình và Tập đoàn VNPT"
        ),
        sources=("002",),
        period_note=(
            "Bài 002 nói về việc tặng bằng khen cho việc thực hiện thỏa thuận “giai đoạn "
            "2015–2020” tại hội nghị tổng kết 5 năm ngày 24/9/2020."
        ),
        signing_note=(
            "Bài 002 không nêu ngày ký; năm 2015 được suy ra từ giai đoạn 2015–2020 và từ hội "
            "nghị tổng kết 5 năm ngày 24/9/2020."
        ),
    ),
    AgreementFact(
        ref="tuyen-quang-2017",
        party="tinhtuyenquang",
        kind=AgreementKind.STRATEGIC,
        phase="2014-2020",
        period=(2017, 2022),
        signed_on=d(2017, 1, 1),
        precision=DatePrecision.YEAR,
        title=(
            "Thỏa thuận hợp tác chiến lược về VT-CNTT giai đoạn 2017–2022 giữa UBND tỉnh "
            "Tuyên Quang và Tập đoàn VNPT"
        ),
        sources=("004",),
        notes=(
            "Thỏa thuận được ký khi tỉnh triển khai Nghị quyết số 26/NQ-CP của Chính phủ về "
            "đẩy mạnh ứng dụng CNTT trong cơ quan nhà nước. Bài 004 chỉ viết “đại diện lãnh "
            "đạo 2 đơn vị ký kết”, không nêu tên người ký."
        ),
        period_note=(
            "Giai đoạn 2017–2022 không khớp với giai đoạn chung nào (2014–2020, 2021–2025); "
            "cổng xếp thỏa thuận vào giai đoạn 2014–2020, giai đoạn có năm ký."
        ),
        signing_note="Bài 004 không nêu ngày ký; năm 2017 được suy ra từ giai đoạn 2017–2022.",
    ),
    AgreementFact(
        ref="quang-binh-2020",
        party="tinhquangbinh",
        kind=AgreementKind.STRATEGIC,
        phase="2021-2025",
        period=(2020, 2025),
        signed_on=d(2020, 9, 24),
        precision=DatePrecision.DAY,
        title=(
            "Thỏa thuận hợp tác chiến lược về VT-CNTT giai đoạn 2020–2025 giữa UBND tỉnh "
            "Quảng Bình và Tập đoàn VNPT"
        ),
        sources=("002",),
        predecessor="quang-binh-2015",
        period_note=(
            "Bài 002 ghi giai đoạn 2020–2025 ở chú thích ảnh lễ ký, nhưng cũng gọi nội dung "
            "được thảo luận là dự thảo thỏa thuận giai đoạn 2021–2025."
        ),
        signing_note=(
            "Ký tại hội nghị tổng kết 5 năm chiều 24/9/2020; bài 002 không nêu tên người ký."
        ),
    ),
    AgreementFact(
        ref="lai-chau-2021",
        party="tinhlaichau",
        kind=AgreementKind.MOU,
        phase="2021-2025",
        period=(2021, 2025),
        signed_on=d(2021, 4, 29),
        precision=DatePrecision.DAY,
        title="Biên bản ghi nhớ giữa UBND tỉnh Lai Châu và Tập đoàn VNPT giai đoạn 2021–2025",
        sources=("000",),
        place="Hà Nội",
        mode=SigningMode.IN_PERSON,
        predecessor="lai-chau-2014",
        signing_note=(
            "Bài 000 chỉ viết “chiều nay - 29/4 tại Hà Nội”: năm 2021 được suy ra từ giai đoạn "
            "2021–2025 và từ việc bài nhắc ngày 25/02/2021 như một sự kiện gần đây; hình thức "
            "ký trực tiếp được suy ra từ địa điểm."
        ),
    ),
    AgreementFact(
        ref="lao-cai-2021",
        party="tinhlaocai",
        kind=AgreementKind.AGREEMENT,
        phase="2021-2025",
        period=(2021, 2025),
        signed_on=d(2021, 8, 5),
        precision=DatePrecision.DAY,
        title=(
            "Thỏa thuận hợp tác về lĩnh vực Viễn thông và chuyển đổi số giai đoạn 2021–2025 "
            "giữa UBND tỉnh Lào Cai và Tập đoàn VNPT"
        ),
        sources=("003",),
        mode=SigningMode.VIDEO,
        predecessor="lao-cai-2014",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class ParticipantFact:
    agreement: str
    person: str
    side: str
    role: str
    title: str
    source: str
    note: str = ""


PROVINCE_SIDE, VNPT_SIDE = ParticipantSide.COUNTERPARTY, ParticipantSide.VNPT
SIGNED, SPOKE, ATTENDED, ASSESSED = (
    ParticipantRole.SIGNED,
    ParticipantRole.SPOKE,
    ParticipantRole.ATTENDED,
    ParticipantRole.ASSESSED,
)
QUANG_BINH_2020_NOTE = (
    "Dự hội nghị tổng kết 5 năm ngày 24/9/2020, tại đó hai bên ký thỏa thuận mới; bài 002 "
    "không nói ai ký."
)

# Only those the articles say signed are signers; the others attended or spoke.
PARTICIPANTS = [
    ParticipantFact("kien-giang-2014", "Nguyễn Thanh Nghị", PROVINCE_SIDE, SIGNED, "Phó Bí thư Tỉnh ủy, Phó Chủ tịch UBND tỉnh Kiên Giang", "001"),
    ParticipantFact("kien-giang-2014", "Trần Mạnh Hùng", VNPT_SIDE, SIGNED, "Tổng Giám đốc Tập đoàn VNPT", "001"),
    ParticipantFact("lao-cai-2014", "Đặng Xuân Phong", PROVINCE_SIDE, ASSESSED, "Bí thư Tỉnh ủy Lào Cai", "003", "Bài 003 dẫn đánh giá của ông về kết quả hợp tác giai đoạn 2014–2020, không nêu ông đánh giá vào dịp nào."),
    ParticipantFact("quang-binh-2020", "Trần Công Thuật", PROVINCE_SIDE, SPOKE, "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh, Trưởng đoàn Đại biểu Quốc hội tỉnh Quảng Bình", "002", QUANG_BINH_2020_NOTE),
    ParticipantFact("quang-binh-2020", "Nguyễn Tiến Hoàng", PROVINCE_SIDE, ATTENDED, "Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh Quảng Bình", "002", QUANG_BINH_2020_NOTE),
    ParticipantFact("quang-binh-2020", "Phạm Đức Long", VNPT_SIDE, SPOKE, "Bí thư Đảng ủy, Chủ tịch Hội đồng thành viên, Tổng Giám đốc Tập đoàn VNPT", "002", QUANG_BINH_2020_NOTE),
    ParticipantFact("tuyen-quang-2017", "Phạm Đức Long", VNPT_SIDE, SPOKE, "Tổng Giám đốc Tập đoàn VNPT", "004", "Phát biểu tại lễ ký; bài 004 không nêu tên người ký."),
    ParticipantFact("lai-chau-2021", "Tống Thanh Hải", PROVINCE_SIDE, SIGNED, "Phó Chủ tịch thường trực UBND tỉnh Lai Châu", "000"),
    ParticipantFact("lai-chau-2021", "Tô Dũng Thái", VNPT_SIDE, SIGNED, "Phó Tổng Giám đốc Tập đoàn VNPT", "000"),
    ParticipantFact("lai-chau-2021", "Phạm Đức Long", VNPT_SIDE, SPOKE, "Chủ tịch Tập đoàn VNPT", "000"),
    ParticipantFact("lao-cai-2021", "Trịnh Xuân Trường", PROVINCE_SIDE, SIGNED, "Chủ tịch UBND tỉnh Lào Cai", "003"),
    ParticipantFact("lao-cai-2021", "Huỳnh Quang Liêm", VNPT_SIDE, SIGNED, "Tổng Giám đốc Tập đoàn VNPT", "003"),
]  # fmt: skip

# Commitments: per agreement, the source and (area, responsible side, text[, note]) in order.
BY_VNPT, BY_PROVINCE, BY_BOTH = (
    ResponsibleSide.VNPT,
    ResponsibleSide.COUNTERPARTY,
    ResponsibleSide.BOTH,
)

# Article 001 names three areas for the provinces signing in September 2014 (the
# third covers both information security and training, so it is kept as two).
# It says nothing of the content of the Điện Biên, Hà Nam and Lào Cai agreements.
# Its five September signings share one goal: the e-government of the province before 2020.
E_GOVERNMENT_BY_2020 = (
    "Góp phần hoàn thành mục tiêu xây dựng Chính phủ điện tử của tỉnh trước năm 2020."
)
STRATEGIC_2014_COMMITMENTS = [
    ("it-infrastructure", BY_VNPT, "Xây dựng hạ tầng VT-CNTT đáp ứng nhu cầu triển khai Chính quyền điện tử của tỉnh: đánh giá hiện trạng, nhu cầu hạ tầng mạng truyền số liệu và lưu trữ dữ liệu; cung cấp dịch vụ truyền dẫn, chứng thực chữ ký số, lưu trữ dữ liệu."),
    ("e-government", BY_BOTH, "Ứng dụng CNTT để xây dựng Chính quyền điện tử của tỉnh."),
    ("information-security", BY_VNPT, "Xây dựng giải pháp tổng thể an toàn thông tin, Chính quyền điện tử: tư vấn hoàn thiện chính sách an toàn, an ninh thông tin; kiện toàn quy trình quản lý, phân loại thông tin và quản lý truy cập."),
    ("human-resources", BY_BOTH, "Đào tạo nguồn nhân lực VT-CNTT cho tỉnh."),
    ("e-government", BY_VNPT, E_GOVERNMENT_BY_2020),
]  # fmt: skip

COMMITMENTS = {
    "kien-giang-2014": ("001", STRATEGIC_2014_COMMITMENTS),
    "ninh-thuan-2014": ("001", STRATEGIC_2014_COMMITMENTS),
    "nghe-an-2014": ("001", STRATEGIC_2014_COMMITMENTS),
    "hoa-binh-2014": ("001", STRATEGIC_2014_COMMITMENTS),
    "ubdt-2014": ("001", [
        ("it-infrastructure", BY_VNPT, "Xây dựng hạ tầng VT-CNTT&TT đáp ứng nhu cầu triển khai Chính phủ điện tử của Ủy ban Dân tộc."),
        ("e-government", BY_BOTH, "Ứng dụng CNTT phục vụ công tác quản lý, chỉ đạo, điều hành của Ủy ban Dân tộc."),
        ("ethnic-minority-services", BY_VNPT, "Truyền thông công tác dân tộc, cung cấp các dịch vụ giá trị gia tăng cho vùng dân tộc thiểu số và miền núi."),
        ("human-resources", BY_BOTH, "Đào tạo nguồn nhân lực VT-CNTT&TT."),
        ("e-government", BY_VNPT, "Góp phần hoàn thành mục tiêu xây dựng Chính phủ điện tử trước năm 2020.", "Bài 001 nêu mục tiêu này chung cho các lễ ký từ 4/9 đến 15/9/2014, trong đoạn nói về các tỉnh."),
    ]),
    "quang-binh-2015": ("002", [
        ("telecom-infrastructure", BY_VNPT, "Phát triển hạ tầng VT-CNTT cho tỉnh Quảng Bình."),
    ]),
    "tuyen-quang-2017": ("004", [
        ("it-infrastructure", BY_VNPT, "Bảo đảm nguồn lực, hạ tầng mạng thông tin đồng bộ, hiện đại, kết nối liên thông cho tất cả các cơ quan nhà nước, đẩy mạnh ứng dụng CNTT trong quản lý nhà nước."),
        ("e-government", BY_VNPT, "Từng bước hoàn thiện hệ sinh thái chính quyền điện tử, hướng tới xây dựng Chính quyền số."),
        ("smart-city", BY_VNPT, "Phát triển đô thị thông minh: hỗ trợ khảo sát, xây dựng khung đô thị thông minh kết nối các hệ thống y tế, giao thông, nông lâm nghiệp; khung kiến trúc mở để giải pháp của các doanh nghiệp khác cùng tham gia."),
        ("telecom-infrastructure", BY_VNPT, "Xây dựng hạ tầng kỹ thuật VT-CNTT cho các khu kinh tế, khu công nghiệp, khu công nghệ cao, khu CNTT tập trung."),
        ("information-security", BY_VNPT, "Cung cấp giải pháp tổng thể, bố trí chuyên gia hỗ trợ tỉnh bảo đảm an toàn, an ninh thông tin."),
        ("human-resources", BY_VNPT, "Phát triển nguồn nhân lực VT-CNTT: nhận sinh viên thực hành, thực tập; tiếp nhận sinh viên giỏi; nâng cao trình độ VT-CNTT cho cán bộ, công chức tỉnh."),
        ("human-resources", BY_PROVINCE, "Tạo điều kiện để VNPT triển khai, chuyển giao tiến bộ khoa học, công nghệ về VT-CNTT và đào tạo nguồn nhân lực chất lượng cao."),
    ]),
    "quang-binh-2020": ("002", [
        ("it-infrastructure", BY_VNPT, "Không ngừng hiện đại hóa hạ tầng VT-CNTT, nâng cao chất lượng cơ sở hạ tầng chính quyền điện tử, hướng tới chuyển đổi số."),
        ("smart-city", BY_VNPT, "Hỗ trợ, cung cấp các giải pháp dịch vụ đô thị thông minh."),
        ("e-government", BY_VNPT, "Phát triển chính quyền điện tử: phòng họp không giấy, an toàn thông tin…"),
        ("smart-city", BY_VNPT, "Hỗ trợ nhân lực quản lý, vận hành Trung tâm điều hành thông minh và Trung tâm dữ liệu điện tử Quảng Bình."),
        ("e-government", BY_VNPT, "Hỗ trợ kinh phí xây dựng chính quyền điện tử, đô thị thông minh."),
        ("e-government", BY_PROVINCE, "Tạo mọi điều kiện để VNPT phát triển; chủ động hợp tác xây dựng và phát triển chính quyền điện tử, đô thị thông minh."),
    ]),
    "lai-chau-2021": ("000", [
        ("telecom-infrastructure", BY_VNPT, "Kết hợp với sự hỗ trợ của Quỹ dịch vụ viễn thông công ích, từng bước triển khai đồng bộ hạ tầng viễn thông, xóa các điểm lõm sóng, tiến tới bảo đảm 100% các thôn, bản, tuyến đường được phủ sóng điện thoại di động và Internet."),
        ("telecom-infrastructure", BY_VNPT, "Ưu tiên bổ sung hạ tầng cáp quang và mở rộng vùng phủ sóng di động, Internet trên các tuyến quốc lộ, tỉnh lộ huyết mạch, các điểm du lịch, nơi sản xuất tập trung và các thôn, bản thuộc vùng trọng yếu về quốc phòng - an ninh của 22 xã biên giới."),
        ("information-security", BY_BOTH, "Hợp tác xây dựng và triển khai các giải pháp CNTT tiên tiến phục vụ chuyển đổi số và các giải pháp bảo đảm an toàn thông tin theo quy định của pháp luật."),
        ("digital-transformation", BY_BOTH, "Triển khai thí điểm các nhiệm vụ của Chương trình chuyển đổi số xã thông minh tại một số xã, quảng bá hình ảnh du lịch của địa phương."),
        ("innovation", BY_VNPT, "Hỗ trợ tỉnh thúc đẩy khởi nghiệp đổi mới sáng tạo."),
        ("human-resources", BY_BOTH, "Hợp tác đào tạo nâng cao chất lượng nguồn nhân lực công nghệ thông tin."),
        ("e-government", BY_VNPT, "Hỗ trợ xây dựng Chính quyền điện tử, Chính quyền số và đô thị thông minh, ưu tiên nền tảng số, hạ tầng số, hệ thống thông tin dùng chung, cơ sở dữ liệu của tỉnh, bảo đảm an toàn, an ninh thông tin."),
    ]),
    "lao-cai-2021": ("003", [
        ("digital-transformation", BY_VNPT, "Đồng hành dẫn dắt phát triển kinh tế số; cùng tỉnh xác định cơ cấu, tỷ trọng kinh tế số đóng góp vào GDP địa bàn."),
        ("digital-transformation", BY_BOTH, "Thúc đẩy chuyển đổi số các ngành kinh tế: nông nghiệp, du lịch, thương mại điện tử."),
        ("digital-transformation", BY_VNPT, "Cung cấp giải pháp chuyển đổi số cho các doanh nghiệp vừa và nhỏ."),
        ("telecom-infrastructure", BY_VNPT, "Đẩy mạnh xây dựng hạ tầng viễn thông di động, Internet tốc độ cao, hạ tầng IoT sẵn sàng cho chuyển đổi số các ngành kinh tế."),
        ("digital-transformation", BY_BOTH, "Cùng tỉnh xây dựng cơ chế, nguồn lực khuyến khích doanh nghiệp chuyển đổi số."),
        ("digital-transformation", BY_BOTH, "Thúc đẩy xây dựng xã hội số; hoàn thiện chuyển đổi số trong y tế, giáo dục và đào tạo."),
        ("digital-transformation", BY_PROVINCE, "Mục tiêu của tỉnh giai đoạn 2021–2025: nằm trong 20 tỉnh, thành phố dẫn đầu về chuyển đổi số và 10 tỉnh, thành phố dẫn đầu về chỉ số năng lực cạnh tranh cấp tỉnh (PCI).", "Mục tiêu do lãnh đạo UBND tỉnh nêu trong bài 003; tỉnh mong VNPT đồng hành để đạt mục tiêu này."),
    ]),
}  # fmt: skip

# Measured results ----------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    kpi: str
    value: Decimal | int | None = None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""
    measured_on: datetime.date | None = None


@dataclass(frozen=True)
class MeasuredFact:
    agreement: str
    quarter: int
    source: str
    narrative: str
    measured_on: datetime.date
    readings: tuple[Reading, ...]


MEASURED = [
    MeasuredFact(
        agreement="lao-cai-2014",
        quarter=20204,
        source="003",
        narrative="Kết quả đến hết năm 2020 sau 5 năm hợp tác, theo bài 003.",
        measured_on=d(2020, 12, 31),
        readings=(
            Reading("bts_total", 1000),
            Reading("bts_2g", 311),
            Reading("bts_3g", 391),
            Reading("bts_4g", 298),
            Reading("communes_mobile", numerator=152, denominator=152),
            Reading(
                "villages_4g",
                numerator=1542,
                denominator=1569,
                note="VinaPhone 4G phủ các khu vực tập trung dân cư của 1.542/1.569 thôn, bản, tổ dân phố.",
            ),
            Reading("mobile_subscribers", 222402),
            Reading("mobile_broadband_subscribers", 70198),
            Reading("villages_fibre", numerator=1024, denominator=1569, note="Bài báo ghi 65%."),
            Reading("ftth_subscribers", 46495),
            Reading(
                "igate_agencies_pct",
                100,
                note="VNPT i-Gate triển khai đồng bộ đến 100% cơ quan nhà nước cấp tỉnh, huyện, xã.",
            ),
            Reading("ioffice_provincial_units", 119),
            Reading("ioffice_district_committees", 9, note="9 UBND các huyện, thành phố."),
            Reading("ioffice_communes", 152),
        ),
    ),
    MeasuredFact(
        agreement="quang-binh-2015",
        quarter=20203,
        source="002",
        narrative="Kết quả sau 5 năm hợp tác, nêu tại hội nghị tổng kết ngày 24/9/2020 (bài 002).",
        measured_on=d(2020, 9, 24),
        readings=(
            Reading(
                "level4_services_pct",
                30,
                note="Theo Nghị quyết số 17/NQ-CP ngày 7/3/2019 của Chính phủ.",
            ),
            Reading(
                "agencies_fibre_pct",
                100,
                note=(
                    "Quang hóa 100% hạ tầng đường truyền đến các cơ quan Đảng, chính quyền, tổ "
                    "chức, doanh nghiệp, trường học, cơ sở y tế các cấp và người dân; hoàn thành "
                    "ngày 17/9/2020 khi mạng băng rộng tại hai xã Tân Trạch, Thượng Trạch đưa "
                    "vào sử dụng."
                ),
                measured_on=d(2020, 9, 17),
            ),
        ),
    ),
]  # fmt: skip


@dataclass(frozen=True)
class MilestoneFact:
    agreement: str
    title: str
    occurred_on: datetime.date
    precision: str
    area: str | None
    source: str
    description: str = ""
    note: str = ""


QUANG_BINH_BY_NOTE = "Bài 002 (24/9/2020) cho biết việc này đã xong, không nêu ngày hoàn thành."
LAO_CAI_BY_NOTE = (
    "Bài 003 nêu trong kết quả đến hết năm 2020 của giai đoạn 2014–2020, không nêu ngày."
)

MILESTONES = [
    MilestoneFact(
        "quang-binh-2015",
        "Hoàn thành mạng băng rộng tại hai xã Tân Trạch, Thượng Trạch",
        d(2020, 9, 17),
        DatePrecision.DAY,
        "telecom-infrastructure",
        "002",
        "Hệ thống truyền dẫn và Internet băng rộng đưa vào sử dụng, hoàn thành quang hóa 100% "
        "hạ tầng đường truyền đến các cơ quan Đảng, chính quyền, tổ chức, doanh nghiệp, trường "
        "học, cơ sở y tế các cấp và người dân trên địa bàn tỉnh.",
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Hội nghị truyền hình trực tuyến đến UBND các huyện, thị xã, thành phố",
        d(2020, 9, 24),
        DatePrecision.BY,
        "e-government",
        "002",
        note=QUANG_BINH_BY_NOTE,
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Phòng họp không giấy E-Cabinet tại một số phiên họp của UBND tỉnh",
        d(2020, 9, 24),
        DatePrecision.BY,
        "e-government",
        "002",
        note=QUANG_BINH_BY_NOTE,
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Trung tâm đô thị thông minh đưa vào ứng dụng, triển khai thí điểm",
        d(2020, 9, 24),
        DatePrecision.BY,
        "smart-city",
        "002",
        note=QUANG_BINH_BY_NOTE,
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Hội nghị tổng kết 5 năm thỏa thuận hợp tác chiến lược về VT-CNTT",
        d(2020, 9, 24),
        DatePrecision.DAY,
        None,
        "002",
        "Tổng kết 5 năm thỏa thuận, sơ kết 2 năm xây dựng chính quyền điện tử; tại hội nghị, "
        "hai bên ký thỏa thuận hợp tác chiến lược giai đoạn mới.",
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Khai trương Hệ thống thông tin một cửa điện tử và Cổng dịch vụ công",
        d(2020, 9, 24),
        DatePrecision.DAY,
        "e-government",
        "002",
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Khởi động Trung tâm điều hành đô thị thông minh tỉnh Quảng Bình",
        d(2020, 9, 24),
        DatePrecision.DAY,
        "smart-city",
        "002",
    ),
    MilestoneFact(
        "quang-binh-2015",
        "Tặng bằng khen cho các tập thể, cá nhân thực hiện thỏa thuận giai đoạn 2015–2020",
        d(2020, 9, 24),
        DatePrecision.DAY,
        None,
        "002",
        "Chủ tịch UBND tỉnh tặng bằng khen cho các tập thể, cá nhân có thành tích xuất sắc "
        "trong việc thực hiện thỏa thuận hợp tác giai đoạn 2015–2020.",
    ),
    MilestoneFact(
        "lao-cai-2014",
        "Hội nghị truyền hình kết nối từ Chính phủ đến cấp huyện, cấp xã",
        d(2020, 12, 31),
        DatePrecision.BY,
        "e-government",
        "003",
        note=LAO_CAI_BY_NOTE,
    ),
    MilestoneFact(
        "lao-cai-2014",
        "Cổng thông tin điện tử tỉnh Lào Cai trên giải pháp của VNPT",
        d(2020, 12, 31),
        DatePrecision.BY,
        "e-government",
        "003",
        note=LAO_CAI_BY_NOTE,
    ),
    MilestoneFact(
        "lao-cai-2014",
        "Cổng du lịch tỉnh Lào Cai trên giải pháp của VNPT",
        d(2020, 12, 31),
        DatePrecision.BY,
        "digital-transformation",
        "003",
        note=LAO_CAI_BY_NOTE,
    ),
    MilestoneFact(
        "lao-cai-2014",
        "Phần mềm quản lý lưu trú trực tuyến cho Công an tỉnh Lào Cai",
        d(2020, 12, 31),
        DatePrecision.BY,
        "e-government",
        "003",
        note=LAO_CAI_BY_NOTE,
    ),
]


@dataclass(frozen=True)
class TargetFact:
    agreement: str
    kpi: str
    target: int
    target_on: datetime.date
    source: str
    note: str


TARGETS = [
    TargetFact(
        "lai-chau-2021",
        "villages_mobile",
        100,
        d(2025, 12, 31),
        "000",
        "Bài 000: tiến tới bảo đảm 100% các thôn, bản, tuyến đường được phủ sóng điện thoại di "
        "động và Internet.",
    ),
]

# Demo accounts ------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    province_key: str | None = None
    superuser: bool = False
    unit: str = ""


ACCOUNTS = [
    Account("admin", Role.ADMIN, superuser=True),
    Account("official", Role.OFFICIAL),
    Account("staff_laocai", Role.STAFF, "tinhlaocai", unit="VNPT Lào Cai"),
    Account("staff_quangtri", Role.STAFF, "tinhquangtri", unit="VNPT Quảng Trị"),
    Account("reviewer", Role.REVIEWER),
]

# Synthetic figures ---------------------------------------------------------------

# Demo figures cover 2021–2025 only: the 2014–2020 phase shows the articles' facts alone,
# which a demo report of the same unit and quarter would otherwise outrank.
FIRST_DEMO_QUARTER = Quarter(2021, 1)
LAST_DEMO_QUARTER = Quarter(2025, 2)
DEMO_TARGET_ON = d(2025, 12, 31)
DEMO_NARRATIVE = "Số liệu minh họa, không phải số liệu thực; không lấy từ nguồn nào."


@dataclass
class Network:
    """One province's network in one quarter, stepped forward to make a synthetic series.

    Sub-counts add up to the total and numerators stay within denominators, so every
    synthetic report passes the same checks as a report typed by a user.
    """

    bts_2g: int
    bts_3g: int
    bts_4g: int
    mobile: int
    mobile_broadband: int
    ftth: int
    communes: tuple[int, int]
    villages: int
    villages_4g: int
    villages_mobile: int
    villages_fibre: int
    level4: Decimal

    def readings(self) -> list[Reading]:
        return [
            Reading("bts_total", self.bts_2g + self.bts_3g + self.bts_4g),
            Reading("bts_2g", self.bts_2g),
            Reading("bts_3g", self.bts_3g),
            Reading("bts_4g", self.bts_4g),
            Reading("mobile_subscribers", self.mobile),
            Reading("mobile_broadband_subscribers", self.mobile_broadband),
            Reading("ftth_subscribers", self.ftth),
            Reading("communes_mobile", numerator=self.communes[0], denominator=self.communes[1]),
            Reading("villages_4g", numerator=self.villages_4g, denominator=self.villages),
            Reading("villages_mobile", numerator=self.villages_mobile, denominator=self.villages),
            Reading("villages_fibre", numerator=self.villages_fibre, denominator=self.villages),
            Reading("level4_services_pct", self.level4),
        ]

    def shares(self) -> dict[str, Decimal]:
        """Values as a target compares them: ratios as a share in per cent."""
        out = {}
        for reading in self.readings():
            if reading.numerator is not None:
                out[reading.kpi] = _share(reading.numerator, reading.denominator)
            else:
                out[reading.kpi] = Decimal(reading.value)
        return out

    def step(self, rng: random.Random):
        """One quarter on; every count moves, so none stays at an article's figure."""
        total = self.bts_2g + self.bts_3g + self.bts_4g
        self.bts_4g += max(1, round(total * rng.uniform(0.01, 0.035)))
        self.bts_3g += rng.choice((1, 1, 2))
        # 2G is being switched off: a few stations a quarter are decommissioned.
        self.bts_2g -= max(1, round(self.bts_2g * rng.uniform(0.005, 0.015)))
        self.mobile = round(self.mobile * rng.uniform(1.002, 1.012))
        self.mobile_broadband = min(
            self.mobile, self.mobile_broadband + round(self.mobile * rng.uniform(0.008, 0.025))
        )
        self.ftth = round(self.ftth * rng.uniform(1.015, 1.04))
        reached, communes = self.communes
        if reached < communes and rng.random() < 0.5:
            self.communes = (reached + 1, communes)
        self.villages_4g = _toward(self.villages_4g, self.villages, rng.uniform(0.04, 0.12))
        self.villages_mobile = max(
            self.villages_4g,
            _toward(self.villages_mobile, self.villages, rng.uniform(0.05, 0.15)),
        )
        self.villages_fibre = _toward(self.villages_fibre, self.villages, rng.uniform(0.03, 0.07))
        self.level4 = min(Decimal(100), self.level4 + Decimal(str(round(rng.uniform(1.5, 5.5), 1))))


def _toward(value: int, ceiling: int, fraction: float) -> int:
    return min(ceiling, value + math.ceil((ceiling - value) * fraction))


def _share(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class SyntheticSeries:
    """Synthetic quarterly reports for one agreement, from a starting network."""

    agreement: str
    start: Quarter
    network: dict
    submitted_quarter: Quarter | None = None
    skip_targets: tuple[str, ...] = ()
    # The article whose figures the series starts from: those are facts, reported
    # once by the article, never again as a synthetic report or a demo baseline.
    baseline_source: str | None = None
    # KPIs the article gives as already complete (every commune covered): a demo
    # figure could only repeat the article's, so the series does not report them.
    unreported: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoAgreement:
    ref: str
    province_key: str
    name: str
    signed_on: datetime.date


DEMO_AGREEMENTS = [
    DemoAgreement("dien-bien-2021-demo", "tinhdienbien", "Điện Biên", d(2021, 3, 18)),
    DemoAgreement("nghe-an-2021-demo", "tinhnghean", "Nghệ An", d(2021, 5, 20)),
    DemoAgreement("ha-nam-2021-demo", "tinhhanam", "Hà Nam", d(2021, 1, 26)),
    DemoAgreement("kien-giang-2021-demo", "tinhkiengiang", "Kiên Giang", d(2021, 6, 10)),
    DemoAgreement("ninh-thuan-2021-demo", "tinhninhthuan", "Ninh Thuận", d(2021, 10, 14)),
    DemoAgreement("hoa-binh-2021-demo", "tinhhoabinh", "Hòa Bình", d(2022, 2, 22)),
]


def _network(bts, mobile, mobile_broadband, ftth, communes, villages, reached, level4):
    """Starting figures: bts as (2G, 3G, 4G); reached as villages with (4G, mobile, fibre)."""
    return {
        "bts_2g": bts[0],
        "bts_3g": bts[1],
        "bts_4g": bts[2],
        "mobile": mobile,
        "mobile_broadband": mobile_broadband,
        "ftth": ftth,
        "communes": communes,
        "villages": villages,
        "villages_4g": reached[0],
        "villages_mobile": reached[1],
        "villages_fibre": reached[2],
        "level4": Decimal(level4),
    }


# Lào Cai starts from its published end-of-2020 figures (villages with any mobile
# signal and the level-4 share are not published, so those two are synthetic);
# Quảng Bình starts from its published 30% of level-4 services; the rest is made up.
SYNTHETIC = [
    SyntheticSeries(
        "lao-cai-2021",
        Quarter(2020, 4),
        _network((311, 391, 298), 222402, 70198, 46495, (152, 152), 1569, (1542, 1556, 1024), "28"),
        baseline_source="003",
        unreported=("communes_mobile",),
    ),
    SyntheticSeries(
        "quang-binh-2020",
        Quarter(2020, 3),
        _network((290, 420, 510), 610000, 260000, 98000, (151, 151), 1402, (1180, 1350, 890), "30"),
        baseline_source="002",
    ),
    SyntheticSeries(
        "lai-chau-2021",
        Quarter(2021, 2),
        _network((180, 260, 310), 290000, 120000, 21000, (106, 108), 1129, (905, 1010, 620), "18"),
        skip_targets=("villages_mobile",),
    ),
    SyntheticSeries(
        "dien-bien-2021-demo",
        Quarter(2021, 1),
        _network((230, 300, 340), 380000, 150000, 30000, (127, 130), 1600, (1260, 1420, 800), "20"),
        submitted_quarter=Quarter(2025, 3),
    ),
    SyntheticSeries(
        "nghe-an-2021-demo",
        Quarter(2021, 2),
        _network((1200, 1500, 1900), 2500000, 1100000, 260000, (455, 460), 5600, (5100, 5450, 4200), "25"),
    ),
    SyntheticSeries(
        "ha-nam-2021-demo",
        Quarter(2021, 1),
        _network((300, 380, 520), 700000, 320000, 110000, (109, 109), 1100, (1090, 1100, 1020), "32"),
    ),
    SyntheticSeries(
        "kien-giang-2021-demo",
        Quarter(2021, 2),
        _network((520, 640, 880), 1450000, 600000, 120000, (144, 144), 950, (880, 930, 700), "27"),
    ),
    SyntheticSeries(
        "ninh-thuan-2021-demo",
        Quarter(2021, 4),
        _network((240, 290, 380), 520000, 220000, 60000, (65, 65), 420, (395, 412, 330), "29"),
    ),
    SyntheticSeries(
        "hoa-binh-2021-demo",
        Quarter(2022, 1),
        _network((330, 410, 470), 720000, 290000, 70000, (151, 151), 1520, (1300, 1440, 960), "24"),
    ),
]  # fmt: skip

DEMO_TARGET_KPIS = [
    "bts_total",
    "bts_4g",
    "mobile_broadband_subscribers",
    "ftth_subscribers",
    "villages_4g",
    "villages_fibre",
    "villages_mobile",
    "level4_services_pct",
]

# Loading ---------------------------------------------------------------------------


@dataclass
class Loaded:
    """What the demo loader touched, by model and outcome, and the objects later steps need."""

    outcomes: Counter = field(default_factory=Counter)
    sources: dict = field(default_factory=dict)
    phases: dict = field(default_factory=dict)
    areas: dict = field(default_factory=dict)
    kpis: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)
    agreements: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            outcome != Upsert.UNCHANGED and n for (_model, outcome), n in self.outcomes.items()
        )

    def put(self, model, lookup: dict, values: dict):
        obj, outcome = upsert(model, lookup, values)
        self.outcomes[(model, outcome)] += 1
        return obj


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_catalogues(loaded: Loaded):
    """The source articles, then the reference data every install has (phases, areas, KPIs)."""
    for source in SOURCES:
        values = {key: value for key, value in source.items() if key != "code"}
        loaded.sources[source["code"]] = loaded.put(Source, {"code": source["code"]}, values)
    ensure_role_groups()
    for key, count in load_reference_data().items():
        loaded.outcomes[key] += count
    loaded.phases.update(reference_phases())
    loaded.areas.update({area.code: area for area in CommitmentArea.objects.all()})
    loaded.kpis.update({kpi.code: kpi for kpi in Kpi.objects.all()})


def _committee_name(province: Province) -> str:
    full = province.full_name
    return f"Ủy ban nhân dân {full[0].lower()}{full[1:]}"


def load_parties(loaded: Loaded):
    for ref, (name, short_name, kind) in ORGANISATIONS.items():
        loaded.organisations[ref] = loaded.put(
            Organisation,
            {"name": name, "province": None},
            {"short_name": short_name, "kind": kind},
        )
    former = {p.key: p for p in Province.objects.former().filter(key__in=SIGNING_PROVINCES)}
    for key in SIGNING_PROVINCES:
        province = former[key]
        loaded.organisations[key] = loaded.put(
            Organisation,
            # The current province of the same name has a committee of the same name.
            {"name": _committee_name(province), "province": province},
            {
                "short_name": f"UBND {province.full_name[0].lower()}{province.full_name[1:]}",
                "kind": OrganisationKind.PEOPLES_COMMITTEE,
            },
        )


def _put_agreement(loaded: Loaded, ref: str, counterparty, values: dict, sources: list):
    agreement = loaded.put(
        Agreement,
        {
            "counterparty": counterparty,
            "period_start": values.pop("period_start"),
            "kind": values.pop("kind"),
        },
        values,
    )
    wanted = {source.pk for source in sources}
    if set(agreement.sources.values_list("pk", flat=True)) != wanted:
        agreement.sources.set(sources)
    loaded.agreements[ref] = agreement
    return agreement


def load_agreements(loaded: Loaded):
    for fact in AGREEMENTS:
        _put_agreement(
            loaded,
            fact.ref,
            loaded.organisations[fact.party],
            {
                "period_start": fact.period[0],
                "kind": fact.kind,
                "title": fact.title,
                "phase": loaded.phases[fact.phase],
                "period_end": fact.period[1],
                "signed_on": fact.signed_on,
                "signed_precision": fact.precision,
                "place": fact.place,
                "signing_mode": fact.mode,
                "notes": fact.notes,
                "kind_note": fact.kind_note,
                "period_note": fact.period_note,
                "signing_note": fact.signing_note,
                "is_demo": False,
                "predecessor": loaded.agreements[fact.predecessor] if fact.predecessor else None,
            },
            [loaded.sources[code] for code in fact.sources],
        )

    people = {}
    for full_name, party in PEOPLE.items():
        people[full_name] = loaded.put(
            Person,
            {"full_name": full_name},
            {"organisation": loaded.organisations[party] if party else None},
        )
    for fact in PARTICIPANTS:
        loaded.put(
            Participant,
            {
                "agreement": loaded.agreements[fact.agreement],
                "person": people[fact.person],
                "role": fact.role,
            },
            {
                "side": fact.side,
                "title_then": fact.title,
                "source": loaded.sources[fact.source],
                "note": fact.note,
            },
        )

    # A database seeded before attendees were told apart from signers keeps rows
    # the articles do not support (Quảng Bình's 2020 "signatories"): they go.
    wanted = {
        (loaded.agreements[fact.agreement].pk, people[fact.person].pk, fact.role)
        for fact in PARTICIPANTS
    }
    for participant in Participant.objects.filter(agreement__is_demo=False):
        if (participant.agreement_id, participant.person_id, participant.role) not in wanted:
            participant.delete()
            loaded.outcomes[(Participant, "deleted")] += 1

    for ref, (source, commitments) in COMMITMENTS.items():
        for order, (area, responsible, text, *note) in enumerate(commitments, start=1):
            loaded.put(
                Commitment,
                {"agreement": loaded.agreements[ref], "order": order},
                {
                    "area": loaded.areas[area],
                    "text": text,
                    "responsible": responsible,
                    "source": loaded.sources[source],
                    "note": note[0] if note else "",
                },
            )


def _put_readings(loaded: Loaded, report: QuarterlyReport, readings, measured_on=None):
    for reading in readings:
        kpi = loaded.kpis[reading.kpi]
        values = {"note": reading.note, "measured_on": reading.measured_on or measured_on}
        if kpi.kind == KpiKind.RATIO:
            values.update(numerator=reading.numerator, denominator=reading.denominator)
        else:
            values["value"] = reading.value
        loaded.put(KpiValue, {"report": report, "kpi": kpi}, values)


def load_results(loaded: Loaded):
    for fact in MEASURED:
        report = loaded.put(
            QuarterlyReport,
            {"agreement": loaded.agreements[fact.agreement], "quarter": fact.quarter},
            {
                "status": ReportStatus.APPROVED,
                "narrative": fact.narrative,
                "source": loaded.sources[fact.source],
                "is_demo": False,
            },
        )
        _put_readings(loaded, report, fact.readings, fact.measured_on)

    for fact in MILESTONES:
        loaded.put(
            Milestone,
            {"agreement": loaded.agreements[fact.agreement], "title": fact.title},
            {
                "occurred_on": fact.occurred_on,
                "precision": fact.precision,
                "area": loaded.areas[fact.area] if fact.area else None,
                "source": loaded.sources[fact.source],
                "description": fact.description,
                "note": fact.note,
                "is_demo": False,
            },
        )

    for fact in TARGETS:
        loaded.put(
            KpiTarget,
            {"agreement": loaded.agreements[fact.agreement], "kpi": loaded.kpis[fact.kpi]},
            {
                "target_value": fact.target,
                "target_on": fact.target_on,
                "baseline_value": None,
                "baseline_on": None,
                "baseline_source": None,
                "baseline_is_demo": False,
                "source": loaded.sources[fact.source],
                "note": fact.note,
                "is_demo": False,
            },
        )


def load_accounts(loaded: Loaded, password: str):
    user_model = get_user_model()
    keys = [account.province_key for account in ACCOUNTS if account.province_key]
    current = {p.key: p for p in Province.objects.current().filter(key__in=keys)}
    for account in ACCOUNTS:
        user = loaded.put(
            user_model,
            {"username": account.username},
            {
                "email": f"{account.username}@example.vn",
                "is_staff": account.superuser,
                "is_superuser": account.superuser,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        group = Group.objects.get_or_create(name=account.role)[0]
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        if account.province_key:
            loaded.put(
                ProvinceAssignment,
                {"user": user, "province": current[account.province_key]},
                {"organisation_unit": account.unit},
            )
        loaded.users[account.username] = user


def load_demo_agreements(loaded: Loaded):
    for demo in DEMO_AGREEMENTS:
        _put_agreement(
            loaded,
            demo.ref,
            loaded.organisations[demo.province_key],
            {
                "period_start": 2021,
                "kind": AgreementKind.STRATEGIC,
                # The portal marks a demo agreement with its DEMO badge, not in its title.
                "title": (
                    "Thỏa thuận hợp tác chiến lược về VT-CNTT giai đoạn 2021–2025 giữa UBND "
                    f"tỉnh {demo.name} và Tập đoàn VNPT"
                ),
                "phase": loaded.phases["2021-2025"],
                "period_end": 2025,
                "signed_on": demo.signed_on,
                "signed_precision": DatePrecision.DAY,
                "place": "",
                "signing_mode": SigningMode.UNKNOWN,
                "notes": (
                    "Thỏa thuận giả lập để minh họa cổng thông tin; không có trong các bài báo "
                    "nguồn. Ngày ký và mọi số liệu đều là dữ liệu minh họa."
                ),
                "is_demo": True,
                "predecessor": loaded.agreements[demo.ref.replace("2021-demo", "2014")],
            },
            [],
        )


def _staff_for(loaded: Loaded, agreement: Agreement):
    """The demo staff account whose province covers this agreement, if any."""
    successor_id = agreement.counterparty.province.successor_id
    for account in ACCOUNTS:
        if account.role != Role.STAFF:
            continue
        assignment = loaded.users[account.username].province_assignments.first()
        if assignment and assignment.province_id == successor_id:
            return loaded.users[account.username]
    return None


def load_synthetic(loaded: Loaded):
    reviewer = loaded.users["reviewer"]
    for series in SYNTHETIC:
        agreement = loaded.agreements[series.agreement]
        staff = _staff_for(loaded, agreement)
        # A string seed gives the same series on every run and every machine.
        rng = random.Random(f"seed_demo:{series.agreement}")
        network = Network(**series.network)
        baseline = network.shares()
        published = _published_baselines(series)
        first = max(Quarter.containing(agreement.signed_on), FIRST_DEMO_QUARTER)
        last = series.submitted_quarter or LAST_DEMO_QUARTER
        _remove_stale_demo(loaded, agreement, first, series.unreported)
        for quarter in quarter_range(series.start, last):
            if quarter > series.start:
                network.step(rng)
            if quarter < first:
                continue
            submitted = quarter == series.submitted_quarter
            values = {
                "status": ReportStatus.SUBMITTED if submitted else ReportStatus.APPROVED,
                "narrative": DEMO_NARRATIVE,
                "source": None,
                "is_demo": True,
                "created_by": staff,
                "updated_by": staff,
                "submitted_by": staff,
                "submitted_at": _aware(quarter.end + datetime.timedelta(days=12)),
                "reviewed_by": None if submitted else reviewer,
                "reviewed_at": (
                    None if submitted else _aware(quarter.end + datetime.timedelta(days=18))
                ),
            }
            report = loaded.put(
                QuarterlyReport, {"agreement": agreement, "quarter": quarter.code}, values
            )
            readings = [r for r in network.readings() if r.kpi not in series.unreported]
            _put_readings(loaded, report, readings)
        _put_demo_targets(loaded, series, agreement, baseline, network, rng, published)


def _remove_stale_demo(loaded: Loaded, agreement: Agreement, first: Quarter, unreported):
    """Take away what an earlier seed wrote and this one no longer does.

    Its demo reports before 2021 outranked the articles' 2014–2020 facts, and its
    figures of a KPI the series leaves out repeated an article's.
    """
    demo_reports = agreement.reports.filter(is_demo=True)
    stale_values = KpiValue.objects.filter(report__in=demo_reports, kpi__code__in=unreported)
    loaded.outcomes[(KpiValue, "deleted")] += stale_values.delete()[0]
    by_model = demo_reports.filter(quarter__lt=first.code).delete()[1]
    for model in (QuarterlyReport, KpiValue):
        loaded.outcomes[(model, "deleted")] += by_model.get(model._meta.label, 0)


def _published_baselines(series) -> dict[str, tuple[Decimal, datetime.date]]:
    """The starting figures an article gives, by KPI: (value as a share, measured on)."""
    published = {}
    for fact in MEASURED:
        if fact.source != series.baseline_source or fact.quarter != series.start.code:
            continue
        for reading in fact.readings:
            if reading.numerator is not None:
                value = _share(reading.numerator, reading.denominator)
            else:
                value = Decimal(reading.value)
            published[reading.kpi] = (value, reading.measured_on or fact.measured_on)
    return published


def _put_demo_targets(loaded, series, agreement, baseline, network, rng, published):
    """Targets a little above or below where each series is heading, so statuses vary.

    The targets are synthetic; a baseline is a fact where the article gives it.
    """
    quarters_left = Quarter(2025, 4).index() - LAST_DEMO_QUARTER.index()
    latest = network.shares()
    for code in DEMO_TARGET_KPIS:
        if code in series.skip_targets:
            continue
        kpi = loaded.kpis[code]
        elapsed = max(1, LAST_DEMO_QUARTER.index() - series.start.index())
        pace = (latest[code] - baseline[code]) / elapsed
        heading = latest[code] + pace * quarters_left
        target = heading * Decimal(str(round(rng.uniform(0.9, 1.08), 2)))
        if kpi.kind in (KpiKind.RATIO, KpiKind.PERCENTAGE):
            target = min(Decimal(100), target).quantize(Decimal("0.1"))
        else:
            target = Decimal(round(target, -1 if target < 10000 else -3))
        fact = published.get(code)
        loaded.put(
            KpiTarget,
            {"agreement": agreement, "kpi": kpi},
            {
                "baseline_value": fact[0] if fact else baseline[code],
                "baseline_on": fact[1] if fact else series.start.end,
                "baseline_source": loaded.sources[series.baseline_source] if fact else None,
                "baseline_is_demo": not fact,
                "target_value": target,
                "target_on": DEMO_TARGET_ON,
                "source": None,
                "note": (
                    "Chỉ tiêu minh họa, không phải số liệu thực; giá trị ban đầu lấy từ bài "
                    f"{series.baseline_source}."
                    if fact
                    else "Chỉ tiêu và giá trị ban đầu minh họa, không phải số liệu thực."
                ),
                "is_demo": True,
            },
        )


@transaction.atomic
def seed_demo(password: str) -> Loaded:
    """Load the provinces, the catalogues, every fact, the demo accounts and synthetic data."""
    provinces = load_provinces_from_package()
    loaded = Loaded()
    for counts in (provinces.former, provinces.current):
        for outcome, n in counts.items():
            loaded.outcomes[(Province, outcome)] += n
    load_catalogues(loaded)
    load_parties(loaded)
    load_agreements(loaded)
    load_results(loaded)
    load_accounts(loaded, password)
    load_demo_agreements(loaded)
    load_synthetic(loaded)
    return loaded
