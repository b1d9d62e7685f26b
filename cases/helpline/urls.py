from django.urls import path

from cases.helpline import views

app_name = "helpline"

urlpatterns = [
    path("", views.start, name="start"),
    path("anonymous/", views.anonymous, name="anonymous"),
    path("caller/", views.caller, name="caller"),
    path("referral/", views.referral, name="referral"),
    path("matches/", views.matches, name="matches"),
    path("cases/<id:case_id>/contact/", views.follow_up, name="follow_up"),
    path("voicemail/", views.voicemail_list, name="voicemail_list"),
    path("voicemail/new/", views.voicemail_new, name="voicemail_new"),
    path("voicemail/<id:voicemail_id>/", views.voicemail_detail, name="voicemail_detail"),
]
