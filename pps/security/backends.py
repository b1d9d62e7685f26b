"""The password backend: Django's, reading the user's service with the user.

Nearly every signed-in page shows or checks the user's service (the header,
need-to-know, every query scoped to it); reading it in the same query as the
user saves one query on every request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ServiceModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("service").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
