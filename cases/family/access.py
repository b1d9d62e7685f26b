"""Permission-checked, logged reads of a case's children and child information.

Each loads through ``cases.access.get_on_visible_case``: the record must be on
the case in the URL and that case visible to the user, and only staff and
coordinators read them here (these are the editing screens; volunteers see
parent-supplied information on the case summary, ACC-3). Otherwise 404,
logged either way (ACC-6, ACC-7). Parents load through
``cases.access.get_parent_for_user``.

A document on an item is seen by whoever may see the item: staff and
coordinators, and a volunteer only on a parent-supplied item of a case assigned
to them (ACC-3); documents on case-file items never reach a volunteer. (The
download view refuses volunteers anyway: they take nothing away, ACC-5.)
"""

from cases.access import get_on_visible_case
from cases.models import Child, ChildInformation, ChildInformationDocument
from pps.models import User
from pps.roles import CASE_READER_ROLES, CASE_WORKER_ROLES


def get_child_for_user(user: User, case_id, child_id, **kwargs) -> Child:
    return get_on_visible_case(
        user,
        Child.objects.all(),
        case_id,
        child_id,
        message="No such child on this case.",
        **kwargs,
    )


def get_child_information_for_user(user: User, case_id, item_id, **kwargs) -> ChildInformation:
    return get_on_visible_case(
        user,
        ChildInformation.objects.select_related("child"),
        case_id,
        item_id,
        message="No such information on this case.",
        **kwargs,
    )


def get_child_information_document_for_user(
    user: User, case_id, document_id, **kwargs
) -> ChildInformationDocument:
    documents = ChildInformationDocument.objects.select_related("item__child")
    if getattr(user, "role", None) not in CASE_WORKER_ROLES:
        documents = documents.filter(item__source=ChildInformation.Source.PARENT)
    return get_on_visible_case(
        user,
        documents,
        case_id,
        document_id,
        roles=CASE_READER_ROLES,
        message="No such document on this case.",
        **kwargs,
    )
