"""Addresses of the API: /api/v1/..., the OpenAPI schema at /api/schema and its documentation
page at /api/docs/; anything else under /api/ is a JSON 404."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from idm.api import views

router = SimpleRouter()
router.register("dialogues", views.DialogueViewSet, basename="dialogue")
router.register("workshops", views.WorkshopViewSet, basename="workshop")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("key-messages", views.KeyMessageViewSet, basename="key-message")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("practices", views.PracticeViewSet, basename="practice")
router.register("publications", views.PublicationViewSet, basename="publication")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # The page's script is a file of its own (?script): the site's policy runs no inline code.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema",
                                                     template_name="api/swagger_ui.html"),
         name="docs"),
    # No named groups: the NUL check of every view's arguments would answer with the site's page;
    # [\s\S], not ".", so that an address with a line break is the API's 404 too.
    re_path(r"^[\s\S]*$", views.not_found),
]
