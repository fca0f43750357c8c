"""The province pages, under their own `provinces` namespace."""

from django.urls import path

from . import views

app_name = "provinces"

urlpatterns = [
    path("", views.province_list, name="list"),
    path("<slug:slug>/", views.province_detail, name="detail"),
]
