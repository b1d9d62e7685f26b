"""The family screens, under the case's URLs (included by ``cases.urls``)."""

from django.urls import path

from cases.family import views

urlpatterns = [
    path("<id:case_id>/parents/new/", views.parent_add, name="parent_add"),
    path("<id:case_id>/parents/<id:parent_id>/change/", views.parent_edit, name="parent_edit"),
    path("<id:case_id>/parents/<id:parent_id>/remove/", views.parent_remove, name="parent_remove"),
    path("<id:case_id>/children/new/", views.child_add, name="child_add"),
    path("<id:case_id>/children/<id:child_id>/change/", views.child_edit, name="child_edit"),
    path("<id:case_id>/children/<id:child_id>/remove/", views.child_remove, name="child_remove"),
    path(
        "<id:case_id>/children/<id:child_id>/information/new/",
        views.child_information_add,
        name="child_information_add",
    ),
    path(
        "<id:case_id>/child-information/<id:item_id>/change/",
        views.child_information_edit,
        name="child_information_edit",
    ),
    path(
        "<id:case_id>/child-information/<id:item_id>/end/",
        views.child_information_end,
        name="child_information_end",
    ),
    path(
        "<id:case_id>/child-information/<id:item_id>/documents/",
        views.child_information_documents,
        name="child_information_documents",
    ),
    path(
        "<id:case_id>/child-information/documents/<id:document_id>/download/",
        views.child_information_document_download,
        name="child_information_document_download",
    ),
    path(
        "<id:case_id>/child-information/documents/<id:document_id>/remove/",
        views.child_information_document_remove,
        name="child_information_document_remove",
    ),
]
