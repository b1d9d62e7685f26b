from django.urls import path

from retention import admin_views, views

app_name = "retention"

urlpatterns = [
    # Administrators: schedule, settings, archive, purge, destruction log.
    path("", admin_views.dashboard, name="dashboard"),
    path("categories/", admin_views.categories, name="categories"),
    path("categories/new/", admin_views.category_new, name="category_new"),
    path("categories/create/", admin_views.category_create, name="category_create"),
    path("categories/<id:category_id>/", admin_views.category_edit, name="category_edit"),
    path("categories/<id:category_id>/save/", admin_views.category_update, name="category_update"),
    path("settings/", admin_views.settings_edit, name="settings"),
    path("settings/save/", admin_views.settings_update, name="settings_update"),
    path("records/", admin_views.record_rules, name="record_rules"),
    path("records/<slug:kind>/", admin_views.record_rule_edit, name="record_rule_edit"),
    path("records/<slug:kind>/save/", admin_views.record_rule_save, name="record_rule_save"),
    path("archive/", admin_views.archive_now, name="archive_now"),
    path("purge/", admin_views.purge, name="purge"),
    path("purge/confirm/", admin_views.purge_confirm, name="purge_confirm"),
    path("purge/runs/<id:run_id>/", admin_views.run, name="run"),
    path("purge/runs/<id:run_id>/restart/", admin_views.run_restart, name="run_restart"),
    path("log/", admin_views.log, name="log"),
    path("log/certificate/", admin_views.certificate, name="certificate"),
    # Coordinators and administrators: legal holds.
    path("holds/", views.holds, name="holds"),
    path("holds/place/", views.hold_place, name="hold_place"),
    path("holds/<id:hold_id>/lift/", views.hold_lift, name="hold_lift"),
    # Case workers: one case's categories and holds.
    path("cases/<id:case_id>/", views.case_retention, name="case"),
    path("cases/<id:case_id>/categories/", views.case_categories, name="case_categories"),
    path("cases/<id:case_id>/holds/", views.case_hold, name="case_hold"),
]
