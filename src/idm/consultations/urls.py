"""Addresses of the consultations: the secretariat's pages and the voters'."""

from django.urls import path

from idm.consultations import views

app_name = "consultations"
urlpatterns = [
    path("manage/dialogues/<int:number>/consultations/", views.consultations, name="list"),
    path("manage/consultations/<int:pk>/", views.manage, name="manage"),
    path("manage/consultations/<int:pk>/statements/<int:item>/moderate/", views.moderate, name="moderate"),
    path("manage/consultations/<int:pk>/close/", views.close, name="close"),
    path("manage/consultations/<int:pk>/results/", views.results, name="results"),
    path("manage/consultations/<int:pk>/results/status/", views.results_status, name="results-status"),
    path("consult/<str:link>/", views.vote, name="vote"),
    path("consult/<str:link>/mine/", views.my_votes, name="mine"),
    path("registrations/<str:token>/consultations/", views.registration_consultations,
         name="for-registration"),
    path("registrations/<str:token>/consultations/<str:link>/", views.vote, name="vote-registered"),
    path("registrations/<str:token>/consultations/<str:link>/mine/", views.my_votes, name="mine-registered"),
]
