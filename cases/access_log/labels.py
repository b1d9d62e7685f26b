"""Plain words for what an access-log entry names (ACC-7).

The log stores a code name (``object_type``) and an id; a coordinator reads
these words instead. Every ``object_type`` the code records must have a label
here: ``tests/cases/test_access_log_labels.py`` finds them all in the source
and fails for any without one.
"""

OBJECT_LABELS = {
    "case": "case",
    # A page about one case (its access log, a letter form...), refused by role.
    "case_page": "page of a case",
    # A page refused by role that names no case; the id is the URL's name.
    "page": "page",
    "breach": "breach record",
    "casestudy": "case study",
    "child": "child's details",
    "childinformation": "information about a child",
    "childinformationdocument": "document about a child",
    "childprotectionoverride": "child-protection override",
    "consentdecision": "consent decision",
    "disclosurerequest": "request for information",
    "legalhold": "legal hold",
    "letter": "letter",
    "maintainer": "system maintainer record",
    "parent": "parent's details",
    "privacystatementsent": "privacy statement sent",
    "sharingevent": "record of information shared",
    "signedconsentform": "signed consent form",
    "task": "task",
    "voicemail": "voicemail",
    "volunteer_agreement": "volunteer's signed undertaking",
    "volunteerassignment": "volunteer assignment",
}

# Pages (URL names) a refusal most often names, in the words their links use.
PAGE_LABELS = {
    "cases:access_log": "the access log",
    "access_log:denied": "the refused-access report",
}


def page_label(view_name: str) -> str:
    """``cases:letters:create`` -> the “letters create” page; known pages by name."""
    if view_name in PAGE_LABELS:
        return PAGE_LABELS[view_name]
    words = " ".join(part.replace("_", " ") for part in view_name.split(":") if part != "cases")
    return f"the “{words}” page"
