from django.urls import include, path

from cases import assignment_views, section_views, views
from cases.access_log import views as access_log_views
from cases.case_studies import views as case_study_views
from cases.letters import views as letter_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("search/", views.case_search, name="search"),
    path("<id:case_id>/", views.case_detail, name="detail"),
    # The case record's sections beyond the summary (no page reads every table).
    path("<id:case_id>/consent-status/", section_views.section_consent, name="section_consent"),
    path(
        "<id:case_id>/letters-and-statements/",
        section_views.section_letters,
        name="section_letters",
    ),
    path("<id:case_id>/referrals/", section_views.section_referrals, name="section_referrals"),
    path(
        "<id:case_id>/safeguarding/",
        section_views.section_safeguarding,
        name="section_safeguarding",
    ),
    path("<id:case_id>/edit/", views.case_edit, name="edit"),
    # The family on the case: parents, carers, children, child information (CAS-1, CAS-2).
    path("", include("cases.family.urls")),
    path("<id:case_id>/access-log/", access_log_views.case_access_log, name="access_log"),
    path("<id:case_id>/volunteers/", assignment_views.case_volunteers, name="volunteers"),
    path(
        "<id:case_id>/volunteers/assign/",
        assignment_views.volunteer_assign,
        name="volunteer_assign",
    ),
    path(
        "<id:case_id>/volunteers/<id:assignment_id>/end/",
        assignment_views.volunteer_unassign,
        name="volunteer_unassign",
    ),
    # Letters, privacy statements (COM-1, COM-4) and training case studies (COM-6).
    path("statements-due/", letter_views.statements_due, name="statements_due"),
    path("<id:case_id>/letters/new/", letter_views.letter_new, name="letter_new"),
    path("<id:case_id>/letters/", letter_views.letter_create, name="letter_create"),
    path(
        "<id:case_id>/letters/<id:letter_id>/pdf/",
        letter_views.letter_download,
        name="letter_download",
    ),
    path(
        "<id:case_id>/parents/<id:parent_id>/statement/",
        letter_views.statement_new,
        name="statement_new",
    ),
    path(
        "<id:case_id>/parents/<id:parent_id>/statement/send/",
        letter_views.statement_send,
        name="statement_send",
    ),
    path(
        "<id:case_id>/statements/<id:statement_id>/pdf/",
        letter_views.statement_download,
        name="statement_download",
    ),
    path(
        "<id:case_id>/case-studies/new/",
        case_study_views.case_study_new,
        name="case_study_new",
    ),
    path(
        "<id:case_id>/case-studies/<id:study_id>/",
        case_study_views.case_study_review,
        name="case_study",
    ),
    path(
        "<id:case_id>/case-studies/<id:study_id>/edit/",
        case_study_views.case_study_edit,
        name="case_study_edit",
    ),
    path(
        "<id:case_id>/case-studies/<id:study_id>/sign-off/",
        case_study_views.case_study_approve,
        name="case_study_sign_off",
    ),
    path(
        "<id:case_id>/case-studies/<id:study_id>/download/",
        case_study_views.case_study_download,
        name="case_study_download",
    ),
]
