from django.urls import path

from . import views

app_name = "milestones"

urlpatterns = [
    path("", views.home, name="home"),
]
