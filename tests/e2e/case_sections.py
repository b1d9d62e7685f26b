"""Moving between the sections of a case record, as a user does: by the sub-navigation."""

import re


def open_section(page, label: str) -> None:
    """Click a section in the case's sub-navigation (its label may carry a count)."""
    sections = page.get_by_role("navigation", name="Sections of this case")
    sections.get_by_role("link", name=re.compile(rf"^{re.escape(label)}\b")).click()
