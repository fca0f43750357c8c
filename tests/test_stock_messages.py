"""Django's and DRF's own messages read as an official would write them, in both languages."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers

VIETNAMESE = [
    (
        forms.DateField(),
        "31/02/2026",
        "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/02/2026 (ngày 5 tháng 2 năm 2026).",
    ),
    (forms.DecimalField(), "79,5,0", "Nhập một số, ví dụ 79500, 79.500 hoặc 91,7."),
    (forms.IntegerField(), "năm", "Nhập một số nguyên, ví dụ 1490."),
    (forms.IntegerField(max_value=100), "120", "Giá trị không được lớn hơn 100."),
    (forms.IntegerField(min_value=0), "-5", "Giá trị không được nhỏ hơn 0."),
    (forms.DecimalField(max_digits=16), "1" * 20, "Số này quá dài: tối đa 16 chữ số."),
    (forms.DecimalField(decimal_places=2), "1.234", "Chỉ được nhập tối đa 2 chữ số sau dấu phẩy."),
]


@pytest.mark.parametrize(("field", "typed", "message"), VIETNAMESE)
def test_each_stock_form_message_reads_naturally_in_vietnamese(field, typed, message):
    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        assert refused.value.messages == [message]


def test_the_api_says_how_to_type_a_date_in_vietnamese():
    with translation.override("vi"):
        field = serializers.DateField()
        with pytest.raises(serializers.ValidationError) as refused:
            field.run_validation("2026/13/45")
        message = str(refused.value.detail[0])
    assert message.startswith("Ngày chưa đúng định dạng. Nhập theo một trong các dạng")
    assert "ví dụ 05/02/2026" in message


def test_the_admin_speaks_vietnamese_in_its_banners_and_app_names(client, admin_user):
    client.force_login(admin_user)
    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Mã truy cập API" in index
    assert "Auth Token" not in index and "AUTH TOKEN" not in index
    # The admin's templates ask for the banner as one plural entry ({% blocktranslate count %}).
    with translation.override("vi"):
        for count in (1, 2):
            assert translation.ngettext(
                "Please correct the error below.", "Please correct the errors below.", count
            ) == ("Vui lòng sửa các lỗi được đánh dấu dưới đây.")
