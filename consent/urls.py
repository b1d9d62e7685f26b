from django.urls import path

from consent import sharing_views, views

app_name = "consent"

case = "cases/<id:case_id>/"
urlpatterns = [
    path("consent/reviews/", views.reviews, name="reviews"),
    path(f"{case}consent/", views.timeline, name="timeline"),
    path(f"{case}consent/record/", views.record, name="record"),
    path(f"{case}consent/record/save/", views.record_save, name="record_save"),
    path(f"{case}consent/review/", views.review, name="review"),
    path(f"{case}consent/review/save/", views.review_save, name="review_save"),
    path(f"{case}consent/withdraw/", views.withdraw, name="withdraw"),
    path(f"{case}consent/withdraw/save/", views.withdraw_save, name="withdraw_save"),
    path(f"{case}consent/<id:decision_id>/form.pdf", views.form_pdf, name="form_pdf"),
    path(f"{case}consent/<id:decision_id>/signed/", views.signed_form, name="signed_form"),
    path(
        f"{case}consent/<id:decision_id>/signed/save/",
        views.signed_form_save,
        name="signed_form_save",
    ),
    path(
        f"{case}consent/signed/<id:form_id>/",
        views.signed_form_download,
        name="signed_form_download",
    ),
    path(f"{case}sharing/share/", sharing_views.share, name="share"),
    path(f"{case}sharing/share/save/", sharing_views.share_save, name="share_save"),
    path(f"{case}sharing/letter/", sharing_views.letter, name="letter"),
    path(f"{case}sharing/letter/save/", sharing_views.letter_save, name="letter_save"),
    path(f"{case}sharing/<id:event_id>/", sharing_views.sharing_event, name="sharing_event"),
    path(f"{case}sharing/<id:event_id>/letter.pdf", sharing_views.letter_pdf, name="letter_pdf"),
]
