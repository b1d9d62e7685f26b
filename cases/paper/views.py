"""A case's paper file (GOV-8): where it is kept and that it was shredded.

Staff and coordinators only (volunteers never see the case file, ACC-3); the
case loads through the access helper (404 for missing and forbidden alike,
logged), so an archived case's paper file is a coordinator's alone.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import get_case_for_user
from cases.case_overview import get_case_overview
from cases.paper.access import paper_file_of
from cases.paper.forms import PaperFileLocationForm, PaperFileShreddedForm
from cases.paper.services import paper_file_locate, paper_file_shred
from cases.section_views import render_section
from pps.decorators import role_required
from pps.roles import CASE_WORKER_ROLES
from pps.submission import submit


@require_GET
@role_required(*CASE_WORKER_ROLES)
def paper_file_section(request, case_id: int):
    case = get_case_overview(request, case_id)
    return render_section(
        request, case, "paper", "cases/paper/section.html", {"paper": paper_file_of(case)}
    )


def _form_view(form_class, template, initial, save, done):
    @require_http_methods(["GET", "POST"])
    @role_required(*CASE_WORKER_ROLES)
    def view(request, case_id: int):
        case = get_case_for_user(request.user, case_id)
        paper = paper_file_of(case)
        if request.method == "GET":
            form = form_class(initial=initial(paper))
        else:
            form = form_class(request.POST)
            saved, _ = submit(form, lambda data: save(case=case, by=request.user, **data))
            if saved:
                messages.success(request, done)
                return redirect("paper:section", case.pk)
        return render(
            request,
            template,
            {"case": case, "paper": paper, "form": form},
            status=400 if form.is_bound else 200,
        )

    view.__name__ = view.__qualname__ = f"{save.__name__}_view"
    return view


paper_file_location = _form_view(
    PaperFileLocationForm,
    "cases/paper/location.html",
    lambda paper: {"location": paper.location} if paper else {},
    paper_file_locate,
    "Where the paper file is kept is recorded.",
)
paper_file_shredded = _form_view(
    PaperFileShreddedForm,
    "cases/paper/shredded.html",
    lambda paper: {},
    paper_file_shred,
    "The paper file is recorded as shredded.",
)
