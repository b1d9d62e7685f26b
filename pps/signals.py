"""Events the platform announces for the areas to act on.

``pps`` stands below every area and imports none of them, so where an area
must react to something done here it listens (connected in its
``AppConfig.ready``; docs/architecture.md lists them).
"""

from django.dispatch import Signal

# A volunteer's account stopped being a volunteer's (role changed or account
# deactivated). Sent with ``volunteer`` and ``by`` inside the transaction that
# saved the account; the cases app ends their assignments (ACC-2).
volunteer_left = Signal()
