"""Addresses of the registry of practices."""

from django.urls import path

from idm.practices import file_views, network_views, views

app_name = "practices"
urlpatterns = [
    path("practices/", views.registry, name="registry"),
    path("practices/network/", network_views.network_page, name="network"),
    path("practices/network.svg", network_views.network_svg, name="network-svg"),
    path("practices/network.graphml", network_views.network_graphml, name="network-graphml"),
    path("practices/network.json", network_views.network_json, name="network-json"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path("practices/submit/", views.submit, name="submit"),
    path("practices/mine/", views.mine, name="mine"),
    path("practices/review/", views.review_queue, name="review-queue"),
    path("practices/<int:pk>/review/", views.review, name="review"),
    path("practices/export.<str:fmt>", file_views.practices_export, name="export"),
    path("practices/import/", file_views.practices_import, name="import"),
]
