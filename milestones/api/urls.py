from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("kpis", views.KpiViewSet, basename="kpi")
router.register("targets", views.KpiTargetViewSet, basename="target")
router.register("values", views.ApprovedValueViewSet, basename="value")
router.register("reports", views.ReportViewSet, basename="report")
router.register(
    "progress/agreements", views.AgreementProgressViewSet, basename="agreement-progress"
)
router.register("progress/provinces", views.ProvinceProgressViewSet, basename="province-progress")
router.register("progress/national", views.NationalProgressViewSet, basename="national-progress")

urlpatterns = router.urls
