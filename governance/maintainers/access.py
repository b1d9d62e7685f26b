"""Reading the register of system maintainers (GOV-3).

Coordinators and administrators of the service read it; staff and volunteers
never. Another service's entry, like a missing one, is 404 (logged, ACC-7).
"""

from django.db.models import QuerySet

from governance.maintainers.models import Maintainer
from pps.access_log import logged_or_404
from pps.form_fields import as_id
from pps.models import User
from pps.roles import Role

READERS = frozenset({Role.COORDINATOR, Role.ADMIN})


def maintainers_for(user: User) -> QuerySet[Maintainer]:
    if user.role not in READERS or not user.service_id:
        return Maintainer.objects.none()
    return Maintainer.objects.filter(service_id=user.service_id)


def get_maintainer_for_user(user: User, maintainer_id) -> Maintainer:
    pk = as_id(maintainer_id)
    maintainer = maintainers_for(user).filter(pk=pk).first() if pk else None
    return logged_or_404(
        user,
        maintainer,
        object_type="maintainer",
        object_id=maintainer_id,
        case_id=None,
        message="No such maintainer.",
        owner=Maintainer.objects.filter(pk=pk).values_list("service_id", flat=True) if pk else None,
    )
