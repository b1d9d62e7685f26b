"""A breach's own "changes" list: who recorded or changed what, and when (GOV-6, SEC-3).

Field names only, as on the administrators' "who changed what" page: the
values are on the record itself.
"""

from governance.models import Breach, BreachAction
from pps.changes import Change, change_described


def breach_history(breach: Breach) -> list[Change]:
    rows = [(Breach, row) for row in breach.history.select_related("history_user")]
    rows += [
        (BreachAction, row)
        for row in BreachAction.history.filter(breach_id=breach.pk).select_related("history_user")
    ]
    rows.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    return [change_described(model, row) for model, row in rows]
