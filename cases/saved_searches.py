"""Case searches kept in the user's session, so the searched words never enter a URL.

A surname typed into the case search is personal data. URLs end up in browser
history, server and proxy logs and Referer headers (ASVS 14.2.1), so the search
form POSTs, the words are kept here under a random token, and the results page
and its pagination carry only the token. A token means nothing outside the
session that made it, and ends with that session.
"""

import secrets

SESSION_KEY = "pps_case_searches"
# Enough for a few tabs and the back button; older searches must be typed again.
KEPT = 10


def search_remember(session, query: str) -> str:
    token = secrets.token_urlsafe(16)
    searches = dict(session.get(SESSION_KEY, {}))
    searches[token] = query
    session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
    return token


def search_recall(session, token: str) -> str | None:
    return session.get(SESSION_KEY, {}).get(token)
