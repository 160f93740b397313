"""Addresses of the dialogue pages; a dialogue is named by its number, a workshop by its slug."""

from django.urls import path

from idm.dialogues import views

app_name = "dialogues"
urlpatterns = [
    path("", views.home, name="home"),
    path("dialogues/<int:number>/", views.dialogue_detail, name="dialogue"),
    path("workshops/<slug:slug>/", views.agenda, name="agenda"),
    path("workshops/<slug:slug>/print/", views.agenda_print, name="agenda-print"),
    path("workshops/<slug:slug>/speakers/", views.speakers, name="speakers"),
    path("workshops/<slug:slug>/agenda.<str:fmt>", views.agenda_file, name="agenda-file"),
    path("manage/", views.manage, name="manage"),
    path("manage/dialogues/<int:number>/import-agenda/", views.agenda_import,
         name="agenda-import"),
    path("manage/agenda-template.<str:fmt>", views.agenda_template, name="agenda-template"),
]
