"""Demo data after Ivry's 2021 climate vote: two comités de suivi (2022 onwards) with elected
officials, city staff, residents, associations and partners; their meetings (including the
Climate Conference of 2023, and one coming up), decisions with votes, action items at every
stage, linked to the synced accountability results of the climate process when there are any
and to the budget allocations of the follow-up envelope (the budget's demo, through its
`references`): each confirmed allocation is spent by one action, the mobility committee's
those whose label speaks of cycling or walking, so the progress report's money adds up to the
budget's own figures.

Names and contacts are invented (example.org addresses); nothing here is a real person."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bridge.plugin import PluginContext, formatting, utcnow
from plugins.committees.models import (
    ActionItem,
    ActionItemAllocation,
    ActionItemResult,
    AgendaItem,
    Attachment,
    Attendance,
    Committee,
    CommitteeAllocation,
    CommitteeResult,
    Decision,
    Meeting,
    Member,
    Membership,
)
from plugins.committees.words import city_zone

ALLOCATION = "budget.allocation"
MOBILITY_WORDS = ("vélo", "cyclable", "piéton", "marche", "km/h")

PEOPLE = [
    ("Mehdi Benali", "elected", None, "mehdi.benali@example.org"),
    (
        "Claire Dubois",
        "staff",
        "Direction de la transition écologique",
        "claire.dubois@example.org",
    ),
    ("Awa Diallo", "resident", None, "awa.diallo@example.org"),
    ("Louis Moreau", "resident", None, None),
    ("Sofia Pereira", "association", "Ivry en transition", "contact@ivry-transition.example.org"),
    ("Thomas Nguyen", "institutional_partner", "Établissement public territorial", None),
    ("Nadia Haddad", "economic_partner", "Régie de quartier", "n.haddad@example.org"),
    ("Paul Lefèvre", "elected", None, None),
    ("Inès Girard", "resident", None, "ines.girard@example.org"),
]
COMMITTEES = [
    {
        "slug": "vegetaliser-la-ville",
        "name": "Comité de suivi «\u202fVégétaliser la ville\u202f»",
        "theme": "Nature en ville",
        "priority": "Végétaliser la ville et créer des îlots de fraîcheur",
        "description": "Suit les actions votées en décembre 2021 pour planter, désimperméabiliser "
        "les cours d'école et créer des îlots de fraîcheur dans chaque quartier.",
        "seats": [
            ("Mehdi Benali", "chair"),
            ("Claire Dubois", "secretary"),
            ("Awa Diallo", "member"),
            ("Sofia Pereira", "member"),
            ("Thomas Nguyen", "member"),
        ],
    },
    {
        "slug": "se-deplacer-autrement",
        "name": "Comité de suivi «\u202fSe déplacer autrement\u202f»",
        "theme": "Mobilités",
        "priority": "Développer le vélo et la marche dans tous les quartiers",
        "description": "Suit les pistes cyclables, le stationnement vélo et les rues apaisées "
        "votés par les habitants, avec les partenaires économiques du territoire.",
        "seats": [
            ("Paul Lefèvre", "chair"),
            ("Claire Dubois", "secretary"),
            ("Louis Moreau", "member"),
            ("Nadia Haddad", "member"),
            ("Inès Girard", "member"),
        ],
    },
]
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _utc(day: date, hour: int, minute: int, city: ZoneInfo) -> datetime:
    """A time on the city's clock as naive UTC."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=city)
    return local.astimezone(UTC).replace(tzinfo=None)


def seed(context: PluginContext) -> None:
    """Idempotent: does nothing when a committee exists."""
    now = utcnow()
    results = _climate_results(context)
    allocations = _allocations(context)
    with context.sessions() as session:
        if session.scalar(select(Committee.id).limit(1)) is not None:
            return
        people = {
            name: Member(
                name=name,
                kind=kind,
                organisation=organisation,
                email=email,
                created_at=now,
                updated_at=now,
            )
            for name, kind, organisation, email in PEOPLE
        }
        session.add_all(people.values())
        for number, spec in enumerate(COMMITTEES):
            committee = Committee(
                slug=spec["slug"],
                name=spec["name"],
                theme=spec["theme"],
                priority=spec["priority"],
                description=spec["description"],
                public=True,
                created_at=now,
                updated_at=now,
            )
            session.add(committee)
            for name, role in spec["seats"]:
                committee.memberships.append(
                    Membership(
                        member=people[name], role=role, voting=True, starts_on=date(2022, 3, 1)
                    )
                )
            mine = results[number::2][:3]
            for instance, remote_id in mine[:1]:
                committee.results.append(
                    CommitteeResult(instance=instance, result_remote_id=remote_id)
                )
            spent = allocations[number]
            for key in spent:
                committee.allocations.append(CommitteeAllocation(reference=key))
            _meetings(committee, spec, now, mine, spent, city_zone(context))
        session.commit()


def _allocations(context: PluginContext) -> tuple[list[str], list[str]]:
    """The budget's confirmed allocations as "budget.allocation:<id>", oldest first, split
    between the two committees: cycling and walking for mobility, the rest for greening."""
    with context.sessions() as session:
        offered = context.collect("references", session=session, kind=ALLOCATION, search=None)
    green: list[str] = []
    mobility: list[str] = []
    for reference in sorted(offered, key=lambda r: int(r.key) if r.key.isdigit() else 0):
        words = reference.label.casefold()
        chosen = mobility if any(w in words for w in MOBILITY_WORDS) else green
        chosen.append(f"{reference.kind}:{reference.key}")
    return green, mobility


def _climate_results(context: PluginContext) -> list[tuple[str, str]]:
    """Up to six synced results (instance, Decidim id) to link the demo's actions to."""
    found: list[tuple[str, str]] = []
    for name in (instance.name for instance in context.records.instances()):
        for record in context.records.iterate(name, "results"):
            found.append((name, record.remote_id))
            if len(found) == 6:
                return found
    return found


def _meetings(
    committee: Committee,
    spec: dict,
    now: datetime,
    results: list[tuple[str, str]],
    allocations: list[str],
    city: ZoneInfo,
) -> None:
    seats = committee.memberships
    today = formatting.local(now, city).date()
    dates = [
        (date(2022, 3, 15), "Réunion de lancement", "held"),
        (date(2023, 11, 18), "Conférence climat 2023 : bilan à mi-mandat", "held"),
        (today + timedelta(days=21), "Réunion de suivi", "planned"),
    ]
    for when, title, status in dates:
        meeting = Meeting(
            title=title,
            starts_at=_utc(when, 18, 30, city),
            ends_at=_utc(when, 20, 30, city),
            place="Hôtel de ville d'Ivry-sur-Seine, salle du conseil",
            status=status,
            minutes="",
            created_at=now,
            updated_at=now,
        )
        committee.meetings.append(meeting)
        for position, point in enumerate(
            ["Point d'avancement des actions", "Budget engagé et à venir", "Questions diverses"],
            start=1,
        ):
            meeting.agenda.append(AgendaItem(position=position, title=point, description=""))
        if status != "held":
            continue
        for index, seat in enumerate(seats):
            meeting.attendance.append(
                Attendance(member=seat.member, status="present" if index != 3 else "excused")
            )
        meeting.minutes = (
            f"{len(seats) - 1} membres présents sur {len(seats)}. Les services présentent "
            "l'avancement des actions ; les habitants demandent un calendrier par quartier."
        )
        meeting.minutes_public = True
        meeting.attachments.append(
            Attachment(
                filename="ordre-du-jour.pdf",
                content_type="application/pdf",
                size=len(PDF),
                sha256=hashlib.sha256(PDF).hexdigest(),
                data=PDF,
                public=True,
                uploaded_at=now,
                uploaded_by="system",
            )
        )
    held = committee.meetings[:2]
    first = Decision(
        text=f"Adopter la feuille de route 2022-2026 : {spec['priority'].lower()}.",
        voted=True,
        votes_for=4,
        votes_against=0,
        votes_abstain=0,
        created_at=now,
    )
    second = Decision(
        text="Prioriser les quartiers les moins équipés et publier un point d'étape chaque "
        "semestre.",
        voted=False,
        created_at=now,
    )
    held[0].decisions.append(first)
    held[1].decisions.append(second)
    owner = next(s.member for s in seats if s.role == "secretary")
    resident = next(s.member for s in seats if s.member.kind == "resident")
    actions = [
        ("Cartographier les sites possibles", first, owner, None, "done", 100, -200),
        (
            "Lancer les premiers chantiers",
            first,
            None,
            "Direction des espaces publics",
            "in_progress",
            60,
            45,
        ),
        (
            "Associer les écoles et les conseils de quartier",
            second,
            resident,
            None,
            "in_progress",
            30,
            -10,
        ),
        ("Publier le point d'étape semestriel", second, None, None, "to_do", 0, 120),
    ]
    for index, (title, decision, member, name, status, progress, due) in enumerate(actions):
        item = ActionItem(
            title=title,
            decision=decision,
            owner_member=member,
            owner_name=name,
            owner_email="espaces.publics@example.org" if name else None,
            due_on=formatting.local(now).date() + timedelta(days=due),
            status=status,
            progress=progress,
            priority=spec["priority"],
            created_at=now,
            updated_at=now,
        )
        if index < len(results):
            instance, remote_id = results[index]
            item.results.append(ActionItemResult(instance=instance, result_remote_id=remote_id))
        if status != "to_do":  # the spending actions share the allocations, each spent once
            spenders = len([a for a in actions if a[4] != "to_do"])
            for key in allocations[index::spenders]:
                item.allocations.append(ActionItemAllocation(reference=key))
        committee.action_items.append(item)
