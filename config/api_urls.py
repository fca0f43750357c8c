"""The REST API: version 1 of every app's endpoints, the OpenAPI schema and its documentation.

The version is the URL namespace (`/api/v1/`), read by DRF's NamespaceVersioning;
the schema and the documentation sit outside it and describe version 1.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api import not_found

ROOT_ENDPOINTS = (
    "province",
    "organisation",
    "agreement",
    "kpi",
    "target",
    "value",
    "report",
    "agreement-progress",
    "province-progress",
    "national-progress",
)


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request, format=None):
    """Where each kind of record lives in this version of the API."""
    return Response(
        {
            name: reverse(f"{request.version}:{name}-list", request=request, format=format)
            for name in ROOT_ENDPOINTS
        }
    )


v1_patterns = [
    path("", api_root, name="root"),
    path("", include("provinces.api.urls")),
    path("", include("partnerships.api.urls")),
    path("", include("milestones.api.urls")),
    path("", include("progress.api.urls")),
]


def documentation(view):
    """A documentation page: for signed-in users (others are sent to the login page), and
    allowed the inline styles Swagger UI brings; its scripts are files, the split view's
    set-up script included.

    Swagger UI is the only one: Redoc's bundle, even served from the sidecar package, loads
    its footer's logo from cdn.redoc.ly, which no option turns off."""
    return login_required(csp_update({"style-src": [UNSAFE_INLINE]})(view))


urlpatterns = [
    path("v1/", include((v1_patterns, "v1"))),
    # SPECTACULAR_SETTINGS' SERVE_PERMISSIONS: a 401 without a session or token.
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path(
        "docs/",
        documentation(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Any other address under /api/ answers in JSON too, as a client expects.
    re_path(r"^.*$", not_found),
]
