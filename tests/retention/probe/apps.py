from django.apps import AppConfig


class ProbeConfig(AppConfig):
    """Stand-ins for apps built alongside retention (consent, disclosure, documents).

    Installed only in the purge scenario's own process (probe_settings), never in
    the suite or the product: they prove that a model the purge has never heard
    of, with a case foreign key (or only the case's key) and audit history, is
    destroyed with its case.
    """

    name = "tests.retention.probe"
    label = "retention_probe"
