"""Addresses of the registry of practices."""

from django.urls import path

from idm.practices import file_views, views

app_name = "practices"
urlpatterns = [
    path("practices/", views.registry, name="registry"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path("practices/submit/", views.submit, name="submit"),
    path("practices/mine/", views.mine, name="mine"),
    path("practices/review/", views.review_queue, name="review-queue"),
    path("practices/<int:pk>/review/", views.review, name="review"),
    path("practices/export.<str:fmt>", file_views.practices_export, name="export"),
    path("practices/import/", file_views.practices_import, name="import"),
]
