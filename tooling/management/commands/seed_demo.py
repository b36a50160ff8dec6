"""Demo data for trying the portal: the users of every role, plans, partners,
projects and their money, in French.

Idempotent: a second run finds everything in place and changes nothing.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from regions.models import Office
from tooling.demo.coordination import seed_meetings, seed_organisations
from tooling.demo.lists import seed_saved_filters
from tooling.demo.money import seed_exchange_rates, seed_money
from tooling.demo.plans import seed_plans, updates_by_state, validate_plans
from tooling.demo.projects import seed_projects
from tooling.demo.results import seed_results

# Used only when DEBUG is on and no --password is given.
# Refused when DEBUG is off.
DEVELOPMENT_PASSWORD = "demo-sr-2026"  # nosec B105

# (username, first name, last name, role, office, staff, superuser)
DEMO_USERS = [
    ("admin", "Awa", "Traoré", None, "Bamako", True, True),
    ("hq", "Moussa", "Keïta", Role.HQ_OFFICER, "Bamako", False, False),
    ("fund", "Fatoumata", "Diallo", Role.FUND_MANAGER, "Bamako", False, False),
    ("comptes", "Nafissatou", "Coulibaly", Role.USER_MANAGER, "Bamako", False, False),
    ("mopti", "Boubacar", "Cissé", Role.REGIONAL_OFFICER, "Mopti", False, False),
    ("tombouctou", "Aïssata", "Maïga", Role.REGIONAL_OFFICER, "Tombouctou", False, False),
    ("gao", "Ibrahim", "Touré", Role.REGIONAL_OFFICER, "Gao", False, False),
    ("kidal", "Mariam", "Ag Intalla", Role.REGIONAL_OFFICER, "Kidal", False, False),
    ("viewer", "Claire", "Dupont", Role.VIEWER, None, False, False),
    ("chef-mopti", "Amadou", "Sangaré", Role.HEAD_OF_OFFICE, "Mopti", False, False),
    ("chef-tombouctou", "Oumou", "Haïdara", Role.HEAD_OF_OFFICE, "Tombouctou", False, False),
    ("chef-gao", "Soumaïla", "Dicko", Role.HEAD_OF_OFFICE, "Gao", False, False),
    ("chef-kidal", "Ahmed", "Ag Alhousseini", Role.HEAD_OF_OFFICE, "Kidal", False, False),
]
# office: the demo user at its head
OFFICE_HEADS = {
    "Bamako": "hq",
    "Mopti": "chef-mopti",
    "Tombouctou": "chef-tombouctou",
    "Gao": "chef-gao",
    "Kidal": "chef-kidal",
}


class Command(BaseCommand):
    help = "Create the portal's demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password given to every demo user.")

    def handle(self, *args, password=None, **options):
        if password:
            how = "the --password option"
        elif settings.DEBUG:
            password = DEVELOPMENT_PASSWORD
            how = f"the development default {DEVELOPMENT_PASSWORD!r} (DEBUG is on)"
        else:
            raise CommandError("--password is required when DEBUG is off.")

        with transaction.atomic():
            created, updated = seed_users(password)
            # Budgets are converted to dollars as projects are created.
            rates = seed_exchange_rates()
            # Plans are drafted for the projects to serve their priorities, and
            # validated once the money approved for those projects gives the
            # priorities' estimated costs.
            plans = seed_plans()
            organisations = seed_organisations()
            # Projects are created, submitted and approved; those meant to go
            # further start once their funding is approved, and are completed
            # and closed as their reports and money allow (seed_money).
            later = []
            projects = seed_projects(later=later)
            money = seed_money(later)
            validate_plans()
            # Outcome indicators on the validated plans, fed by the projects' indicators.
            seed_results()
            # Decisions name the plans and projects.
            meetings = seed_meetings()
            # One click above the projects list for the Gao officer.
            seed_saved_filters()
        money["exchange rates"] = money.get("exchange rates", 0) + rates

        self.stdout.write(self.style.SUCCESS(f"Demo users: {created} created, {updated} updated."))
        states = ", ".join(f"{count} {state}" for state, count in updates_by_state().items())
        self.stdout.write(f"Demo plans: {plans} created; plan updates: {states}.")
        self.stdout.write(
            f"Demo coordination: {organisations} organisations, {meetings} meetings created."
        )
        self.stdout.write(f"Demo projects: {projects} created.")
        recorded = ", ".join(f"{count} {kind}" for kind, count in money.items())
        self.stdout.write(f"Demo money: {recorded} created.")
        self.stdout.write(f"Sign in at /accounts/login/ with one of these users; password: {how}.")
        with translation.override("en"):
            for username, _first, _last, role, office, _staff, superuser in DEMO_USERS:
                label = "administrator" if superuser else role.label
                self.stdout.write(f"  {username:<16} {label} ({office or 'no office'})")


def seed_users(password: str) -> tuple[int, int]:
    """Create or correct the demo users; returns (created, updated) counts."""
    offices = {office.name: office for office in Office.objects.all()}
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    created = updated = 0
    for username, first, last, role, office, staff, superuser in DEMO_USERS:
        wanted = {
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "office": offices.get(office),
            "is_staff": staff,
            "is_superuser": superuser,
            "is_active": True,
        }
        user, was_created = User.objects.get_or_create(username=username, defaults=wanted)
        changed = was_created
        for field, value in wanted.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        wanted_groups = {groups[role.value]} if role else set()
        if set(user.groups.all()) != wanted_groups:
            user.groups.set(wanted_groups)
            changed = True
        if was_created:
            created += 1
        elif changed:
            updated += 1
    _set_office_heads()
    return created, updated


def _set_office_heads() -> None:
    users = {
        user.username: user for user in User.objects.filter(username__in=OFFICE_HEADS.values())
    }
    for office in Office.objects.filter(name__in=OFFICE_HEADS):
        head = users[OFFICE_HEADS[office.name]]
        if office.head_id != head.pk:
            office.head = head
            office.save(update_fields=["head"])
