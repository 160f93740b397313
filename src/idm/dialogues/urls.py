"""Addresses of the dialogue pages; a dialogue is named by its number, a workshop by its slug."""

from django.urls import path

from idm.dialogues import participant_views, personal_data_views, views

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

urlpatterns += [
    path("workshops/<slug:slug>/register/", participant_views.register, name="register"),
    path("workshops/<slug:slug>/participants/", participant_views.participants_public,
         name="participants"),
    path("registrations/<str:token>/", participant_views.registration_detail,
         name="registration"),
    path("manage/workshops/<slug:slug>/registrations/", participant_views.registrations,
         name="registrations"),
    path("manage/identity-changes/", participant_views.identity_changes,
         name="identity-changes"),
    path("manage/workshops/<slug:slug>/participants.<str:fmt>", participant_views.participants_file,
         name="participants-file"),
    path("manage/workshops/<slug:slug>/participants/import/",
         participant_views.participants_import, name="participants-import"),
    path("manage/workshops/<slug:slug>/participants-template.<str:fmt>",
         participant_views.participants_template, name="participants-template"),
    path("manage/workshops/<slug:slug>/badges.pdf", participant_views.badges_pdf, name="badges"),
    path("manage/workshops/<slug:slug>/check-in.pdf", participant_views.checkin_pdf,
         name="check-in"),
    path("manage/statistics/<str:kind>/<str:key>/", participant_views.statistics_page,
         name="statistics"),
    path("manage/statistics/<str:kind>/<str:key>/<str:dimension>.svg",
         participant_views.statistics_chart, name="statistics-chart"),
]

urlpatterns += [
    path("registrations/<str:token>/personal-data/<str:key>/",
         personal_data_views.personal_data_page, name="personal-data"),
    path("registrations/<str:token>/personal-data/<str:key>/data.json",
         personal_data_views.personal_data_file, name="personal-data-file"),
    path("registrations/<str:token>/personal-data/<str:key>/delete/",
         personal_data_views.deletion_request, name="personal-data-delete"),
    path("manage/deletion-requests/", personal_data_views.deletion_requests,
         name="deletion-requests"),
    path("manage/deletion-requests/<int:pk>/carry-out/", personal_data_views.carry_out_deletion,
         name="deletion-request-carry-out"),
    path("manage/dialogues/<int:number>/anonymize/", personal_data_views.anonymize,
         name="anonymize"),
]
