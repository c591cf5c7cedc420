"""Demo data drawn from the five stories Followthrough comes from.

Two client companies of one independent coach, Morgan Reyes:
- Brightline Software: Bob on his 60-day ultimatum (story 000) with his manager and the VP who
  wants weekly status updates; Alejandro and his ten past clients (story 001) with his manager
  Gustavo; Derek, the star performer whose follow-through after the sale is poor (story 002),
  and his manager in Minnesota.
- Harbor Office Supply: the managers of the "Manager as Coach" program (story 004), learning to
  coach their account reps; most embrace it, one stays skeptical.

Loading is idempotent: people and workspaces are found by email and slug, never duplicated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from followthrough.accounts.actions import invite, set_relationships
from followthrough.accounts.models import Invitation, Membership, Profile, Role, User, Workspace

DEMO_PASSWORD = "followthrough-demo"
DEMO_COACH_EMAIL = "morgan@example.com"
PENDING_INVITE = "nina.park@example.com"  # a new rep at Brightline, invited, not joined yet


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    time_zone: str
    language: str = "en"
    work_starts: dt.time = dt.time(9, 0)
    work_ends: dt.time = dt.time(17, 30)


@dataclass(frozen=True)
class Seat:
    email: str
    role: Role
    title: str


PEOPLE = [
    Person(DEMO_COACH_EMAIL, "Morgan Reyes", "America/Chicago", work_starts=dt.time(8, 0)),
    Person("bob@example.com", "Bob Keller", "America/New_York"),
    Person("karen@example.com", "Karen Liu", "America/New_York"),
    Person("tom@example.com", "Tom Brandt", "America/New_York"),
    Person(
        "alejandro@example.com",
        "Alejandro Ruiz",
        "America/Argentina/Buenos_Aires",
        language="es",
        work_starts=dt.time(10, 0),
        work_ends=dt.time(19, 0),
    ),
    Person("gustavo@example.com", "Gustavo Pereyra", "America/Argentina/Buenos_Aires", "es"),
    Person("derek@example.com", "Derek Vance", "America/Chicago"),
    Person("linda@example.com", "Linda Sorensen", "America/Chicago"),
    Person("rachel@example.com", "Rachel Adler", "America/Toronto"),
    Person("priya@example.com", "Priya Natarajan", "America/Toronto"),
    Person("sam@example.com", "Sam Okafor", "America/Toronto"),
    Person("helen@example.com", "Helen Brooks", "America/Halifax"),
    Person("marco@example.com", "Marco Bianchi", "America/Toronto"),
    Person("jess@example.com", "Jess Tran", "America/Toronto"),
]

BRIGHTLINE = ("brightline", "Brightline Software")
HARBOR = ("harbor-office-supply", "Harbor Office Supply")

SEATS = {
    BRIGHTLINE: [
        Seat(DEMO_COACH_EMAIL, Role.ADMIN, "Independent sales coach"),
        Seat("bob@example.com", Role.REP, "Account Executive, new business"),
        Seat("karen@example.com", Role.COACH, "Sales Manager, East"),
        Seat("tom@example.com", Role.STAKEHOLDER, "VP of Sales"),
        Seat("alejandro@example.com", Role.REP, "Financial Advisor"),
        Seat("gustavo@example.com", Role.STAKEHOLDER, "Branch Sales Manager"),
        Seat("derek@example.com", Role.REP, "Senior Account Executive"),
        Seat("linda@example.com", Role.COACH, "Regional Sales Manager, Minnesota"),
    ],
    HARBOR: [
        Seat(DEMO_COACH_EMAIL, Role.ADMIN, "Facilitator, Manager as Sales Coach"),
        Seat("rachel@example.com", Role.STAKEHOLDER, "Director of Client Services"),
        Seat("priya@example.com", Role.COACH, "Account Manager lead, Retail"),
        Seat("sam@example.com", Role.COACH, "Account Manager lead, Healthcare"),
        Seat("helen@example.com", Role.COACH, "Account Manager lead, Education (skeptical)"),
        Seat("marco@example.com", Role.REP, "Account Representative"),
        Seat("jess@example.com", Role.REP, "Account Representative"),
    ],
}

# rep -> (coaches, stakeholders who follow)
RELATIONSHIPS = {
    BRIGHTLINE: {
        "bob@example.com": ([DEMO_COACH_EMAIL, "karen@example.com"], ["tom@example.com"]),
        "alejandro@example.com": ([DEMO_COACH_EMAIL], ["gustavo@example.com"]),
        "derek@example.com": (["linda@example.com"], ["tom@example.com"]),
    },
    HARBOR: {
        "marco@example.com": (["priya@example.com"], ["rachel@example.com"]),
        "jess@example.com": (["sam@example.com", "helen@example.com"], ["rachel@example.com"]),
    },
}

# Alejandro's ten past clients (story 001): he is to call each and ask for three referrals.
# They become pipeline contacts when the pipeline arrives; until then they live here.
ALEJANDRO_CLIENTS = [
    "Lucía Fernández",
    "Martín Gómez",
    "Sofía Herrera",
    "Diego Álvarez",
    "Valentina Castro",
    "Joaquín Romero",
    "Camila Navarro",
    "Tomás Ibarra",
    "Florencia Quiroga",
    "Nicolás Benítez",
]


def is_loaded() -> bool:
    return Workspace.objects.filter(slug=BRIGHTLINE[0]).exists()


@transaction.atomic
def load() -> None:
    users = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, name=person.name)
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "time_zone": person.time_zone,
                "language": person.language,
                "work_starts": person.work_starts,
                "work_ends": person.work_ends,
            },
        )
        users[person.email] = user

    for (slug, name), seats in SEATS.items():
        workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": name})
        members = {}
        for seat in seats:
            member, _ = Membership.objects.get_or_create(
                workspace=workspace,
                user=users[seat.email],
                defaults={"role": seat.role, "title": seat.title},
            )
            members[seat.email] = member
        for rep_email, (coach_emails, follower_emails) in RELATIONSHIPS[(slug, name)].items():
            set_relationships(
                members[rep_email],
                [members[email] for email in coach_emails],
                [members[email] for email in follower_emails],
            )

    # Nina has been invited and not answered yet: her invitation is in the outbox.
    brightline = Workspace.objects.get(slug=BRIGHTLINE[0])
    if not Invitation.objects.filter(workspace=brightline, email=PENDING_INVITE).exists():
        invite(brightline, users[DEMO_COACH_EMAIL], PENDING_INVITE, Role.REP)

    # Morgan hosts this Followthrough herself, so she may also open the Django admin.
    User.objects.filter(email=DEMO_COACH_EMAIL).update(is_staff=True, is_superuser=True)
    coach_profile = Profile.objects.get(user=users[DEMO_COACH_EMAIL])
    if coach_profile.last_workspace_id is None:
        coach_profile.last_workspace = Workspace.objects.get(slug=BRIGHTLINE[0])
        coach_profile.save(update_fields=["last_workspace"])


def logins() -> list[tuple[str, str, str]]:
    """(who, email, password) for the lines `make run` prints."""
    return [
        ("Coach (admin of both workspaces, site admin)", DEMO_COACH_EMAIL, DEMO_PASSWORD),
        ("Rep on a 60-day ultimatum", "bob@example.com", DEMO_PASSWORD),
        ("Rep calling his ten past clients", "alejandro@example.com", DEMO_PASSWORD),
        ("Bob's manager, a coach", "karen@example.com", DEMO_PASSWORD),
        ("VP of Sales, a stakeholder", "tom@example.com", DEMO_PASSWORD),
    ]
