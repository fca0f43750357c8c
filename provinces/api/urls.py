from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("provinces", views.ProvinceViewSet, basename="province")

urlpatterns = router.urls
