"""Addresses of the registry of practices."""

from django.urls import path

from idm.practices import views

app_name = "practices"
urlpatterns = [
    path("practices/", views.registry, name="registry"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
]
