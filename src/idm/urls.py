"""Site addresses: every page lives under its language prefix (/en/, /fr/, /es/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = i18n_patterns(
    path("", include("idm.dialogues.urls")),
    path("", include("idm.deliberation.urls")),
    path("", include("idm.consultations.urls")),
    path("", include("idm.practices.urls")),
    path("", include("idm.publications.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
)
urlpatterns += [
    path("favicon.ico", RedirectView.as_view(url="/static/idm/favicon.svg")),
    # The API answers in the language asked (?lang=, Accept-Language), not by address.
    path("api/", include("idm.api.urls")),
]

admin.site.site_header = "idm"
admin.site.site_title = "idm"
