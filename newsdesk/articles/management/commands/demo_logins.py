from django.core.management.base import BaseCommand

from newsdesk.articles.management.commands.loaddemo import demo_logins


class Command(BaseCommand):
    help = "Print the demo accounts' logins."

    def handle(self, *args, **options):
        self.stdout.write("Demo logins (email / password):")
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<12} {email} / {password}")
