"""Addresses of statements, search, key messages, recommendations and the synthesis workbench."""

from django.urls import path

from idm.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("search/", views.search_statements, name="search"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/edit/", views.statement_edit, name="statement-edit"),
    path("sessions/<int:pk>/statements/", views.session_statements, name="session-statements"),
    path("dialogues/<int:number>/key-messages/", views.key_messages_public,
         name="key-messages-public"),
    path("dialogues/<int:number>/statements.csv", views.statements_csv, name="statements-csv"),
    path("manage/sessions/<int:pk>/capture/", views.capture, name="capture"),
    path("manage/sessions/<int:pk>/capture/save/", views.capture_save, name="capture-save"),
    path("manage/sessions/<int:pk>/transcript/", views.transcript, name="transcript"),
    path("manage/dialogues/<int:number>/key-messages/", views.key_messages, name="key-messages"),
    path("manage/dialogues/<int:number>/key-messages/new/", views.key_message_edit,
         name="key-message-new"),
    path("manage/key-messages/<int:pk>/", views.key_message_edit, name="key-message"),
    path("manage/dialogues/<int:number>/recommendations/new/", views.recommendation_edit,
         name="recommendation-new"),
    path("manage/recommendations/<int:pk>/", views.recommendation_edit, name="recommendation"),
    path("manage/dialogues/<int:number>/synthesis/", views.synthesis, name="synthesis"),
    path("manage/synthesis/<int:pk>/", views.synthesis_run, name="synthesis-run"),
    path("manage/synthesis/<int:pk>/status/", views.synthesis_status, name="synthesis-status"),
    *[path(f"manage/synthesis/<int:pk>/{change}/", views.synthesis_change, {"change": change},
           name=f"synthesis-{change}") for change in ("merge", "split", "retry")],
    path("manage/synthesis/<int:pk>/key-message/", views.synthesis_key_message,
         name="synthesis-key-message"),
    path("manage/evidence/add/", views.add_evidence_from_search, name="evidence-add"),
    path("manage/revisions/<int:first>/<int:second>/", views.revisions_compare,
         name="revisions"),
]
