"""Addresses of the publications catalogue and of the secretariat's report pages."""

from django.urls import path

from idm.publications import views

app_name = "publications"
urlpatterns = [
    path("publications/", views.catalogue, name="catalogue"),
    path("publications/feed/", views.CatalogueFeed(), name="feed"),
    path("publications/<slug:slug>/<str:language>/", views.edition_page, name="edition"),
    path("publications/<slug:slug>/<str:language>/read/", views.reading_page, name="read"),
    path("publications/<slug:slug>/<str:language>/<str:fmt>/", views.edition_file, name="file"),
    path("publications/<slug:slug>/<str:language>/figures/<slug:name>.svg", views.figure,
         name="figure"),
    path("publications/<slug:slug>/<str:language>/versions/<int:number>/<str:fmt>/",
         views.version_file, name="version-file"),
    path("manage/dialogues/<int:number>/report/", views.report_page, name="report"),
    path("manage/dialogues/<int:number>/abbreviations/", views.abbreviations,
         name="abbreviations"),
    path("manage/dialogues/<int:number>/translations/<str:language>/", views.translations,
         name="translations"),
    path("manage/dialogues/<int:number>/translations/<str:language>/export/",
         views.translations_export, name="translations-export"),
    path("manage/dialogues/<int:number>/translations/<str:language>/import/",
         views.translations_import, name="translations-import"),
    path("manage/translation-memory/<str:language>/", views.translation_memory,
         name="translation-memory"),
    path("manage/report-builds/<int:pk>/", views.build_status, name="build-status"),
    path("manage/report-builds/<int:pk>/retry/", views.retry_build, name="build-retry"),
    path("manage/report-versions/<int:pk>/publish/", views.publish, name="publish"),
]
