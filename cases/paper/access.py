"""How the paper-file views load a case's paper file (GOV-8, ACC-6).

Only for a case already loaded through ``cases.access`` (whose check and access-log
row come first): the paper file is part of that case, nothing more is opened.
"""

from cases.models import Case
from cases.paper.models import PaperFile


def paper_file_of(case: Case) -> PaperFile | None:
    return PaperFile.objects.select_related("shredded_by").filter(case=case).first()
