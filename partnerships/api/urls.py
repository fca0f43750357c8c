from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("kpis", views.KpiViewSet, basename="kpi")
router.register("targets", views.KpiTargetViewSet, basename="target")

urlpatterns = router.urls
