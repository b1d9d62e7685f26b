"""The cases app's models, one import away: ``from cases.models import Case``.

The case record itself (cases, parents, children, contacts, volunteer
assignments) is in ``case``; each area keeps its own models beside its code
(the helpline's referrals, links and voicemail; letters and statements; case
studies; the statistics settings and exports; tasks; closures; documents on
child information; paper files) and the cases' counts are in ``counts``. Django registers a model when its module is imported, and it
imports this package for the app, so every model of the app is listed here.
"""

from cases.case_studies.models import CaseStudy
from cases.closing.models import CaseClosure, ClosureReason
from cases.family.models import ChildInformationDocument
from cases.helpline.models import CaseLink, Referral, Voicemail
from cases.letters.models import DeliveryMethod, Letter, PrivacyStatementSent
from cases.models.case import (
    AgreementMethod,
    AnonymousContact,
    Case,
    CaseUserObjectPermission,
    Channel,
    Child,
    ChildInformation,
    Contact,
    Outcome,
    Parent,
    ParentalResponsibility,
    Topic,
    VolunteerAssignment,
)
from cases.models.counts import CaseCount
from cases.paper.models import PaperFile
from cases.search.models import SearchTerm
from cases.statistics.models import StatisticsExport, StatisticsExportJob, StatisticsSettings
from cases.tasks.models import Task

__all__ = [
    "AgreementMethod",
    "AnonymousContact",
    "Case",
    "CaseClosure",
    "CaseCount",
    "CaseLink",
    "CaseStudy",
    "CaseUserObjectPermission",
    "Channel",
    "Child",
    "ClosureReason",
    "ChildInformation",
    "ChildInformationDocument",
    "Contact",
    "DeliveryMethod",
    "Letter",
    "Outcome",
    "PaperFile",
    "Parent",
    "ParentalResponsibility",
    "PrivacyStatementSent",
    "Referral",
    "SearchTerm",
    "StatisticsExport",
    "StatisticsExportJob",
    "StatisticsSettings",
    "Task",
    "Topic",
    "Voicemail",
    "VolunteerAssignment",
]
