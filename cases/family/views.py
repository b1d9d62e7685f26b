"""The family screens reached from the case summary (CAS-1, CAS-2).

Staff and coordinators add and correct parents, carers and children, and add,
correct and end what is known about each child; a coordinator removes a person
added in error, after confirming who they are (sudo). Volunteers and
administrators are refused (403) before anything is read. Every record loads
through an ``access.py`` fetch; every save goes through a service with
``pps.submission.submit``; an edit someone else saved first is a conflict (409)
that keeps what the user typed and shows what is saved now.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import get_case_for_user, get_parent_for_user
from cases.family import services
from cases.family.access import (
    get_child_for_user,
    get_child_information_document_for_user,
    get_child_information_for_user,
)
from cases.family.forms import (
    ChildEditForm,
    ChildForm,
    ChildInformationEditForm,
    ChildInformationEndForm,
    ChildInformationForm,
    DocumentForm,
    DocumentRemoveForm,
    ParentEditForm,
    ParentForm,
    RemoveForm,
)
from cases.models import Case
from cases.rules import why_read_only
from consent.sharing import internal_document
from pps.decorators import no_volunteer_export, role_required
from pps.locking import ConflictError
from pps.models import AccessLogEntry
from pps.roles import CASE_WORKER_ROLES, Role
from pps.security.sudo import sudo_required
from pps.submission import submit
from pps.uploads import document_response

FORM_METHODS = ["GET", "POST"]


def _summary(case: Case, anchor: str) -> str:
    return reverse("cases:detail", args=[case.pk]) + f"#{anchor}"


def _refuse_if_not_open(request, case: Case):
    """A closed or archived case is read-only: back to its summary, saying why.
    (The services refuse it too, under the case's lock.)"""
    if refusal := why_read_only(case):
        messages.error(request, refusal)
        return redirect("cases:detail", case_id=case.pk)
    return None


def _form_page(request, template, context, *, form, status=None):
    if status is None:
        status = 400 if form.is_bound else 200
    return render(request, template, {**context, "form": form}, status=status)


def form_details(data: dict, form_class) -> dict:
    """The service's fields out of a valid form's cleaned data."""
    return {name: data[name] for name in form_class.FIELDS}


def _save_edit(request, form_class, record, save):
    """Run an edit through its service; a conflict keeps what the user typed, with
    the version now saved (the service has just reloaded ``record`` under lock).
    Returns (saved, form, conflict)."""
    form = form_class(request.POST)
    try:
        saved, _ = submit(form, save)
    except ConflictError as error:
        data = request.POST.copy()
        data["version"] = record.version
        form = form_class(data)
        form.is_valid()
        form.add_error(None, str(error))
        return False, form, True
    return saved, form, False


def _edit_page(request, context, *, record, form_class, template, update, saved_message, anchor):
    """A parent's or a child's edit screen: the form filled from ``record`` (GET),
    or its save through ``update`` (POST); a conflict is shown as 409."""
    case = context["case"]
    if refused := _refuse_if_not_open(request, case):
        return refused
    if request.method == "GET":
        form = form_class(initial=form_class.initial_for(record))
        return _form_page(request, template, context, form=form)
    saved, form, conflict = _save_edit(
        request,
        form_class,
        record,
        lambda data: update(expected_version=data["version"], **form_details(data, form_class)),
    )
    if saved:
        messages.success(request, saved_message)
        return redirect(_summary(case, anchor))
    return _form_page(
        request,
        template,
        {**context, "conflict": conflict},
        form=form,
        status=409 if conflict else 400,
    )


# --- parents and carers -------------------------------------------------------


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def parent_add(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "adding": True}
    if request.method == "GET":
        return _form_page(
            request,
            "cases/family/parent_form.html",
            context,
            form=ParentForm(initial={"storage_agreed_on": timezone.localdate()}),
        )
    form = ParentForm(request.POST)
    saved, parent = submit(
        form,
        lambda data: services.parent_add(
            case=case, by=request.user, **form_details(data, ParentForm)
        ),
    )
    if saved:
        messages.success(request, "The parent or carer has been added.")
        return redirect(_summary(case, f"parent-{parent.pk}"))
    return _form_page(request, "cases/family/parent_form.html", context, form=form)


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def parent_edit(request, case_id: int, parent_id: int):
    parent = get_parent_for_user(request.user, case_id, parent_id)
    return _edit_page(
        request,
        {"case": parent.case, "parent": parent},
        record=parent,
        form_class=ParentEditForm,
        template="cases/family/parent_form.html",
        update=lambda **details: services.parent_update(parent=parent, by=request.user, **details),
        saved_message="The parent or carer's details have been saved.",
        anchor=f"parent-{parent.pk}",
    )


@require_http_methods(FORM_METHODS)
@role_required(Role.COORDINATOR)
@sudo_required
def parent_remove(request, case_id: int, parent_id: int):
    parent = get_parent_for_user(request.user, case_id, parent_id)
    return _remove_page(
        request,
        parent.case,
        parent,
        who="parent or carer",
        remove=lambda data: services.parent_remove(
            parent=parent,
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )


# --- children -------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def child_add(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "adding": True}
    if request.method == "GET":
        # A child usually shares the parent's surname.
        first = case.parents.first()
        initial = {"family_name": first.family_name} if first else {}
        return _form_page(
            request, "cases/family/child_form.html", context, form=ChildForm(initial=initial)
        )
    form = ChildForm(request.POST)
    saved, child = submit(
        form,
        lambda data: services.child_add(
            case=case, by=request.user, **form_details(data, ChildForm)
        ),
    )
    if saved:
        messages.success(request, "The child has been added.")
        return redirect(_summary(case, f"child-{child.pk}"))
    return _form_page(request, "cases/family/child_form.html", context, form=form)


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def child_edit(request, case_id: int, child_id: int):
    child = get_child_for_user(request.user, case_id, child_id)
    return _edit_page(
        request,
        {"case": child.case, "child": child},
        record=child,
        form_class=ChildEditForm,
        template="cases/family/child_form.html",
        update=lambda **details: services.child_update(child=child, by=request.user, **details),
        saved_message="The child's details have been saved.",
        anchor=f"child-{child.pk}",
    )


@require_http_methods(FORM_METHODS)
@role_required(Role.COORDINATOR)
@sudo_required
def child_remove(request, case_id: int, child_id: int):
    child = get_child_for_user(request.user, case_id, child_id)
    return _remove_page(
        request,
        child.case,
        child,
        who="child",
        remove=lambda data: services.child_remove(
            child=child,
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )


def _remove_page(request, case, person, *, who: str, remove):
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "person": person, "who": who}
    if request.method == "GET":
        form = RemoveForm(initial={"version": person.version})
        return _form_page(request, "cases/family/remove.html", context, form=form)
    form = RemoveForm(request.POST)
    removed, _ = submit(form, remove)
    if removed:
        messages.success(request, f"The {who} has been removed from the case.")
        return redirect(_summary(case, "family"))
    return _form_page(request, "cases/family/remove.html", context, form=form)


# --- what is known about each child ----------------------------------------------


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def child_information_add(request, case_id: int, child_id: int):
    child = get_child_for_user(request.user, case_id, child_id)
    case = child.case
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "child": child, "adding": True}
    if request.method == "GET":
        return _form_page(
            request, "cases/family/information_form.html", context, form=ChildInformationForm()
        )
    form = ChildInformationForm(request.POST)
    saved, _ = submit(
        form,
        lambda data: services.child_information_add(
            child=child, by=request.user, **form_details(data, ChildInformationForm)
        ),
    )
    if saved:
        messages.success(request, "The information has been added.")
        return redirect(_summary(case, f"child-{child.pk}"))
    return _form_page(request, "cases/family/information_form.html", context, form=form)


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def child_information_edit(request, case_id: int, item_id: int):
    item = get_child_information_for_user(request.user, case_id, item_id)
    case = item.case
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "child": item.child, "item": item}
    if request.method == "GET":
        form = ChildInformationEditForm(initial=ChildInformationEditForm.initial_for(item))
        return _form_page(request, "cases/family/information_form.html", context, form=form)
    saved, form, conflict = _save_edit(
        request,
        ChildInformationEditForm,
        item,
        lambda data: services.child_information_update(
            item=item,
            by=request.user,
            expected_version=data["version"],
            **form_details(data, ChildInformationEditForm),
        ),
    )
    if saved:
        messages.success(request, "The information has been corrected.")
        return redirect(_summary(case, f"child-{item.child_id}"))
    return _form_page(
        request,
        "cases/family/information_form.html",
        {**context, "conflict": conflict},
        form=form,
        status=409 if conflict else 400,
    )


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def child_information_end(request, case_id: int, item_id: int):
    item = get_child_information_for_user(request.user, case_id, item_id)
    case = item.case
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "child": item.child, "item": item}
    if request.method == "GET":
        form = ChildInformationEndForm(
            initial={"version": item.version, "ended_on": timezone.localdate()}
        )
        return _form_page(request, "cases/family/information_end.html", context, form=form)
    saved, form, conflict = _save_edit(
        request,
        ChildInformationEndForm,
        item,
        lambda data: services.child_information_end(
            item=item,
            by=request.user,
            expected_version=data["version"],
            ended_on=data["ended_on"],
        ),
    )
    if saved:
        messages.success(request, "The information has been marked as ended.")
        return redirect(_summary(case, f"child-{item.child_id}"))
    return _form_page(
        request,
        "cases/family/information_end.html",
        {**context, "conflict": conflict},
        form=form,
        status=409 if conflict else 400,
    )


# --- documents on an item of child information -------------------------------


@require_http_methods(FORM_METHODS)
@role_required(*CASE_WORKER_ROLES)
def child_information_documents(request, case_id: int, item_id: int):
    """An item's documents, and (on an open case) the form to attach another."""
    item = get_child_information_for_user(request.user, case_id, item_id)
    case = item.case
    context = {
        "case": case,
        "child": item.child,
        "item": item,
        "documents": item.documents.select_related("uploaded_by"),
        "editable": case.status == Case.Status.OPEN,
    }
    if request.method == "GET":
        return _form_page(request, "cases/family/documents.html", context, form=DocumentForm())
    if refused := _refuse_if_not_open(request, case):
        return refused
    form = DocumentForm(request.POST, request.FILES)
    saved, _ = submit(
        form,
        lambda data: services.child_information_document_attach(
            item=item,
            uploaded_file=data["document"],
            description=data["description"],
            by=request.user,
        ),
        field="document",
    )
    if saved:
        messages.success(request, "The document has been attached.")
        return redirect("cases:child_information_documents", case_id=case.pk, item_id=item.pk)
    return _form_page(request, "cases/family/documents.html", context, form=form)


@require_GET
@no_volunteer_export
@role_required(*CASE_WORKER_ROLES)
@internal_document("The service's own copy of a document about the child; staff only.")
def child_information_document_download(request, case_id: int, document_id: int):
    download = AccessLogEntry.Action.DOWNLOAD
    document = get_child_information_document_for_user(
        request.user, case_id, document_id, action=download
    )
    # The file's name says what it is, never whose it is.
    return document_response(
        document.content, document.content_type, f"child-information-{document.pk}"
    )


@require_http_methods(FORM_METHODS)
@role_required(Role.COORDINATOR)
@sudo_required
def child_information_document_remove(request, case_id: int, document_id: int):
    document = get_child_information_document_for_user(request.user, case_id, document_id)
    case, item = document.case, document.item
    if refused := _refuse_if_not_open(request, case):
        return refused
    context = {"case": case, "child": item.child, "item": item, "document": document}
    template = "cases/family/document_remove.html"
    if request.method == "GET":
        return _form_page(request, template, context, form=DocumentRemoveForm())
    form = DocumentRemoveForm(request.POST)
    removed, _ = submit(
        form,
        lambda data: services.child_information_document_remove(
            document=document, by=request.user, reason=data["reason"]
        ),
    )
    if removed:
        messages.success(request, "The document has been removed.")
        return redirect("cases:child_information_documents", case_id=case.pk, item_id=item.pk)
    return _form_page(request, template, context, form=form)
