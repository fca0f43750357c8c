from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register(
    "progress/agreements", views.AgreementProgressViewSet, basename="agreement-progress"
)
router.register("progress/provinces", views.ProvinceProgressViewSet, basename="province-progress")
router.register("progress/national", views.NationalProgressViewSet, basename="national-progress")

urlpatterns = router.urls
