"""Print the current two-factor code of a demo account (never in production)."""

from django.core.management.base import BaseCommand, CommandError

from demo.two_factor import demo_authenticator, refuse_in_production
from pps.models import User
from pps.security.two_factor import current_code


class Command(BaseCommand):
    help = "Print the authenticator code valid now for a demo account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        refuse_in_production()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account called {username!r}.")
        self.stdout.write(current_code(demo_authenticator(user)))
