# Child-protection overrides (issue 6 part B) live in their own module;
# __all__ there lists ChildProtectionOverride, OverrideReview, NonDisclosureDecision
# and their choices.
from disclosure.override_models import *  # noqa: F403
