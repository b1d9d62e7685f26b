"""The one error for "the rules do not allow this", shared by every app.

A service raises ``RuleError`` with a message that is safe to show (it names no
person); the form helper in ``pps.submission`` turns it into an error on the
form, so the page shows the reason and nothing is changed.
"""


class RuleError(ValueError):
    """A request that the rules do not allow; the message is safe to show."""
