from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("<int:pk>/", views.agreement_detail, name="agreement-detail"),
]
