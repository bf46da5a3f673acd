"""Deterministic data for the stand-in: Ivry-sur-Seine's processes, and large generated ones.

Drawn from the city's own documents: "Pour le climat, à Ivry, on agit !" (2021: a citizen
caravan, 13 workshops, proposals from six neighbourhoods, a vote in November, a 700,000 EUR
follow-up budget), "3 ans d'action municipale, parlons-en !" (2023: a caravan and some twenty
meetings across the neighbourhoods) and a participatory budget.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from simulator.world import PARIS, World

NEIGHBOURHOODS = [
    ("Centre-ville", "Town centre"),
    ("Ivry-Port", "Ivry-Port"),
    ("Petit-Ivry", "Petit-Ivry"),
    ("Monmousseau-Vérollot", "Monmousseau-Vérollot"),
    ("Plateau-Parmentier", "Plateau-Parmentier"),
    ("Louis-Bertrand / Mirabeau-Sémard", "Louis-Bertrand / Mirabeau-Sémard"),
]

THEMES = [
    ("Mobilités douces", "Soft mobility"),
    ("Végétalisation", "Greening the city"),
    ("Énergie et rénovation", "Energy and renovation"),
    ("Déchets et réemploi", "Waste and reuse"),
    ("Alimentation durable", "Sustainable food"),
    ("Sensibilisation", "Awareness"),
]

# (French title, English title, theme index)
CLIMATE_IDEAS = [
    ("Planter des arbres fruitiers dans les cours d'école", "Plant fruit trees in schoolyards", 1),
    (
        "Créer une piste cyclable continue sur l'avenue Georges-Gosnat",
        "A continuous cycle lane on avenue Georges-Gosnat",
        0,
    ),
    (
        "Installer des composteurs collectifs au pied des immeubles",
        "Shared composters at the foot of buildings",
        3,
    ),
    ("Isoler les écoles et les gymnases municipaux", "Insulate schools and gyms", 2),
    ("Ouvrir une ressourcerie de quartier", "Open a neighbourhood reuse shop", 3),
    (
        "Des repas végétariens deux fois par semaine à la cantine",
        "Vegetarian meals twice a week in school canteens",
        4,
    ),
    ("Végétaliser les toits des équipements publics", "Green roofs on public buildings", 1),
    (
        "Des stationnements vélos sécurisés près des gares RER",
        "Secure bike parking near RER stations",
        0,
    ),
    (
        "Une fresque du climat dans chaque maison de quartier",
        "A climate fresco in every neighbourhood house",
        5,
    ),
    ("Des panneaux solaires sur les écoles", "Solar panels on schools", 2),
    ("Un marché de producteurs locaux le samedi", "A local producers' market on Saturdays", 4),
    ("Réparer plutôt que jeter : un repair café mensuel", "A monthly repair café", 3),
    ("Débitumer les cours et parkings", "Remove asphalt from yards and car parks", 1),
    ("Zones apaisées à 30 km/h autour des écoles", "30 km/h zones around schools", 0),
    ("Des jardins partagés sur les délaissés urbains", "Shared gardens on vacant plots", 1),
    (
        "Accompagner la rénovation énergétique des copropriétés",
        "Support energy renovation of condominiums",
        2,
    ),
    ("Installer des fontaines à eau dans les parcs", "Drinking fountains in parks", 5),
    ("Une consigne pour les bouteilles en verre", "A deposit scheme for glass bottles", 3),
    ("Des ateliers cuisine anti-gaspillage", "Anti-waste cooking workshops", 4),
    ("Informer sur les aides à la rénovation", "Information on renovation grants", 5),
]

MANDATE_IDEAS = [
    ("Tenir l'engagement de la gratuité des cantines", "Keep the free canteen pledge"),
    ("Ouvrir le centre de santé le samedi matin", "Open the health centre on Saturday mornings"),
    ("Plus de places en crèche à Ivry-Port", "More nursery places in Ivry-Port"),
    ("Rénover le gymnase Joliot-Curie", "Renovate the Joliot-Curie gym"),
    ("Améliorer l'éclairage public rue Marat", "Better street lighting on rue Marat"),
    ("Des bancs et de l'ombre sur la place Voltaire", "Benches and shade on place Voltaire"),
    ("Renforcer la tranquillité publique le soir", "More public safety in the evening"),
    ("Un accueil de mairie ouvert jusqu'à 19 h", "Town hall open until 7 pm"),
]

STATUSES = [
    ("a-venir", "À venir", "To do", 0),
    ("en-cours", "En cours", "In progress", 50),
    ("realise", "Réalisé", "Done", 100),
]

ADDRESSES = [
    "Esplanade Georges-Marrane, 94200 Ivry-sur-Seine",
    "Place Voltaire, 94200 Ivry-sur-Seine",
    "Maison de quartier Petit-Ivry, 44 rue Jean-Jacques-Rousseau, 94200 Ivry-sur-Seine",
    "Marché du centre-ville, place de la République, 94200 Ivry-sur-Seine",
    "Médiathèque, 152 avenue Danielle-Casanova, 94200 Ivry-sur-Seine",
    "Maison de quartier Ivry-Port, 41 rue Jules-Vanzuppe, 94200 Ivry-sur-Seine",
    "Parc des Cormailles, rue Jean-Jacques-Rousseau, 94200 Ivry-sur-Seine",
    "Maison municipale de quartier Monmousseau, 94200 Ivry-sur-Seine",
]


def t(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=PARIS)


def ivry(seed: int = 2021, scale: int = 0) -> World:
    """The Ivry organization; `scale` adds that many generated proposals (and more)."""
    rng = random.Random(seed)
    world = World()
    world.organization = {
        "name": t("Ville d'Ivry-sur-Seine", "City of Ivry-sur-Seine"),
        "locales": ["fr", "en"],
    }
    scopes = []
    for fr, en in NEIGHBOURHOODS:
        sid = world.next_id("scope")
        world.scopes[sid] = {"id": sid, "name": t(fr, en), "parent": None}
        scopes.append(sid)
    _climate(world, rng, scopes)
    _mandate(world, rng, scopes)
    _participatory_budget(world, rng, scopes)
    _assembly(world, rng, scopes)
    if scale:
        generate(world, rng, scopes, scale)
    return world


def _space(
    world: World,
    kind: str,
    slug: str,
    title,
    subtitle,
    short,
    description,
    start,
    end,
    published,
    steps=(),
) -> dict:
    sid = world.next_id(kind)
    space = {
        "id": sid,
        "kind": kind,
        "slug": slug,
        "title": title,
        "subtitle": subtitle,
        "short_description": short,
        "description": description,
        "start_date": start,
        "end_date": end,
        "published_at": published,
        "created_at": published,
        "updated_at": published,
        "components": [],
        "categories": [],
        "scope": None,
        "reference": f"IVRY-{'PROC' if kind == 'process' else 'ASSE'}-{published:%Y-%m}-{sid}",
        "steps": [],
    }
    for position, (fr, en, s_start, s_end, active) in enumerate(steps):
        space["steps"].append(
            {
                "id": world.next_id("step"),
                "title": t(fr, en),
                "description": t("", ""),
                "start": s_start,
                "end": s_end,
                "active": active,
                "position": position,
            }
        )
    world.spaces[(kind, sid)] = space
    return space


def _categories(world: World, space: dict) -> list[str]:
    ids = []
    for fr, en in THEMES:
        cid = world.next_id("category")
        world.categories[cid] = {"id": cid, "name": t(fr, en), "parent": None}
        ids.append(cid)
    space["categories"] = ids
    return ids


def _component(world: World, space: dict, manifest: str, name, weight: int, **settings) -> str:
    cid = world.next_id("component")
    world.components[cid] = {
        "id": cid,
        "manifest": manifest,
        "name": name,
        "weight": weight,
        "space": (space["kind"], space["id"]),
        **settings,
    }
    space["components"].append(cid)
    return cid


def _proposal(
    world: World,
    rng: random.Random,
    component: str,
    fr: str,
    en: str,
    scope,
    cat,
    published: datetime,
    **extra,
) -> str:
    state = extra.pop("state", rng.choice([None, None, "evaluating", "accepted", "rejected"]))
    answered = published + timedelta(days=rng.randint(20, 60)) if state else None
    answer = (
        t(
            "La Ville étudie cette proposition avec les services concernés.",
            "The city is studying this proposal with the relevant departments.",
        )
        if state
        else None
    )
    return world.add(
        "proposal",
        component,
        title=t(fr, en),
        body=t(
            f"<p>{fr}. Proposition recueillie lors de la démarche, quartier "
            f"{NEIGHBOURHOODS[int(scope) - 1][0] if scope else 'tous quartiers'}.</p>",
            f"<p>{en}. Proposal collected during the process.</p>",
        ),
        state=state,
        answer=answer,
        answered_at=answered,
        published_at=published,
        created_at=published,
        updated_at=answered or published,
        votes=rng.randint(0, 240),
        endorsements=rng.randint(0, 30),
        comments=rng.randint(0, 12),
        scope=scope,
        category=cat,
        address=None,
        official=False,
        withdrawn=state == "withdrawn",
        reference=f"IVRY-PROP-{published:%Y-%m}-{len(world.records['proposal']) + 1}",
        **extra,
    )


def _climate(world: World, rng: random.Random, scopes: list[str]) -> None:
    space = _space(
        world,
        "process",
        "pour-le-climat",
        t("Pour le climat, à Ivry, on agit !", "For the climate, in Ivry, we act!"),
        t("Construire ensemble le plan d'action climat", "Building the climate action plan"),
        t(
            "Réduire d'au moins 40 % les émissions de gaz à effet de serre d'ici 2035.",
            "Cut greenhouse gas emissions by at least 40% by 2035.",
        ),
        t(
            "<p>Une démarche menée avec les habitant·es, les associations, les partenaires et "
            "les services municipaux : caravane citoyenne, 13 ateliers, plateforme en ligne et "
            "vote en novembre 2021.</p>",
            "<p>A process run with residents, associations, partners and city services: a "
            "citizen caravan, 13 workshops, an online platform and a vote in November 2021.</p>",
        ),
        "2021-06-09",
        "2021-12-04",
        at(2021, 6, 1),
        steps=[
            ("Caravane citoyenne", "Citizen caravan", at(2021, 6, 9), at(2021, 9, 15), False),
            (
                "Ateliers thématiques",
                "Thematic workshops",
                at(2021, 9, 16),
                at(2021, 10, 31),
                False,
            ),
            (
                "Vote des propositions",
                "Vote on the proposals",
                at(2021, 11, 2),
                at(2021, 11, 20),
                False,
            ),
            (
                "Suivi de la mise en œuvre",
                "Follow-up of the implementation",
                at(2021, 12, 4),
                at(2026, 3, 31),
                True,
            ),
        ],
    )
    cats = _categories(world, space)
    proposals = _component(world, space, "Proposals", t("Propositions", "Proposals"), 1)
    for i in range(120):
        fr, en, theme = CLIMATE_IDEAS[i % len(CLIMATE_IDEAS)]
        suffix = "" if i < len(CLIMATE_IDEAS) else f" ({NEIGHBOURHOODS[i % 6][0]})"
        _proposal(
            world,
            rng,
            proposals,
            fr + suffix,
            en + suffix,
            scopes[i % 6],
            cats[theme],
            at(2021, 6, 9) + timedelta(days=i),
        )
    meetings = _component(world, space, "Meetings", t("Rencontres", "Meetings"), 2)
    for i in range(13):
        fr, en = THEMES[i % 6]
        start = at(2021, 9, 18) + timedelta(days=3 * i, hours=8)
        world.add(
            "meeting",
            meetings,
            title=t(f"Atelier {i + 1} : {fr}", f"Workshop {i + 1}: {en}"),
            description=t(
                "<p>Atelier citoyen ouvert à toutes et tous.</p>",
                "<p>Citizens' workshop open to everyone.</p>",
            ),
            start=start,
            end=start + timedelta(hours=2, minutes=30),
            address=ADDRESSES[i % len(ADDRESSES)],
            location=t("Salle polyvalente", "Hall"),
            type_of_meeting="in_person",
            attendees=rng.randint(12, 60),
            contributions=rng.randint(5, 40),
            organizations="Ivry en transition",
            closed=True,
            scope=scopes[i % 6],
            category=cats[i % 6],
            reference=f"IVRY-MEET-2021-{i + 1}",
            created_at=at(2021, 8, 30),
        )
    for i, stop in enumerate(
        [
            "Marché du centre-ville",
            "Fête de quartier Petit-Ivry",
            "Médiathèque",
            "Parc des Cormailles",
        ]
    ):
        start = at(2021, 6, 12) + timedelta(days=14 * i)
        world.add(
            "meeting",
            meetings,
            title=t(f"Caravane citoyenne : {stop}", f"Citizen caravan: {stop}"),
            description=t(
                "<p>La caravane vient recueillir vos idées.</p>",
                "<p>The caravan comes to collect your ideas.</p>",
            ),
            start=start,
            end=start + timedelta(hours=4),
            address=ADDRESSES[i],
            location=t(stop, stop),
            type_of_meeting="in_person",
            attendees=rng.randint(30, 120),
            contributions=rng.randint(10, 50),
            organizations=None,
            closed=True,
            scope=scopes[i],
            category=None,
            reference=f"IVRY-MEET-2021-C{i + 1}",
            created_at=at(2021, 6, 1),
        )
    budgets = _component(world, space, "Budgets", t("Budget de suivi", "Follow-up budget"), 3)
    budget = world.add(
        "budget",
        budgets,
        title=t("Actions votées en 2021", "Actions voted in 2021"),
        description=t(
            "<p>700 000 € pour les actions choisies par les habitant·es.</p>",
            "<p>EUR 700,000 for the actions residents chose.</p>",
        ),
        total_budget=700000,
        scope=None,
        created_at=at(2021, 11, 1),
    )
    amounts = [120000, 85000, 60000, 150000, 45000, 70000, 95000, 40000, 30000, 55000]
    for i, amount in enumerate(amounts):
        fr, en, theme = CLIMATE_IDEAS[i]
        world.add(
            "project",
            budgets,
            budget=budget,
            title=t(fr, en),
            description=t(f"<p>{fr}.</p>", f"<p>{en}.</p>"),
            budget_amount=amount,
            selected=i < 7,
            confirmed_votes=rng.randint(150, 900),
            scope=scopes[i % 6],
            category=cats[theme],
            reference=f"IVRY-PROJ-2021-{i + 1}",
            created_at=at(2021, 11, 1),
        )
    results = _component(
        world,
        space,
        "Accountability",
        t("Suivi des actions", "Follow-up"),
        4,
        statuses=_statuses(world),
    )
    statuses = world.components[results]["statuses"]
    for i in range(7):
        fr, en, theme = CLIMATE_IDEAS[i]
        status = statuses[min(i // 3, 2)]
        parent = world.add(
            "result",
            results,
            parent=None,
            title=t(fr, en),
            description=t(f"<p>Mise en œuvre : {fr}.</p>", f"<p>{en}.</p>"),
            start="2022-01-10",
            end="2025-12-31",
            progress=float(world.statuses[status]["progress"]),
            status=status,
            weight=i,
            external_id=f"CLIMAT-{i + 1}",
            scope=scopes[i % 6],
            category=cats[theme],
            reference=f"IVRY-RES-2022-{i + 1}",
            # The proposals this action comes from (offered by the newest Decidim versions).
            proposals=world.listing[f"proposal:{proposals}"][i : i + 2],
            timeline=[
                _entry(world, "2022-01-10", "Lancement", "Launch"),
                _entry(world, "2023-06-15", "Point d'étape", "Milestone"),
            ],
            created_at=at(2022, 1, 5),
        )
        for j in range(2):
            world.add(
                "result",
                results,
                parent=parent,
                title=t(f"{fr} — étape {j + 1}", f"{en} — stage {j + 1}"),
                description=t("", ""),
                start="2022-03-01",
                end="2024-12-31",
                progress=100.0 if j == 0 else 40.0,
                status=statuses[2] if j == 0 else statuses[1],
                weight=j,
                external_id=None,
                scope=scopes[i % 6],
                category=cats[theme],
                reference=f"IVRY-RES-2022-{i + 1}-{j + 1}",
                timeline=[],
                created_at=at(2022, 3, 1),
            )
    debates = _component(world, space, "Debates", t("Débats", "Debates"), 5)
    for i, (fr, en) in enumerate(
        [
            (
                "Faut-il piétonniser le centre-ville le dimanche ?",
                "Should the town centre be car-free on Sundays?",
            ),
            (
                "Quelle place pour la voiture à Ivry en 2035 ?",
                "What room for cars in Ivry in 2035?",
            ),
            ("Comment réduire nos déchets au quotidien ?", "How to reduce our daily waste?"),
        ]
    ):
        world.add(
            "debate",
            debates,
            title=t(fr, en),
            description=t("<p>Débat ouvert.</p>", "<p>Open debate.</p>"),
            start=at(2021, 10, 1 + i),
            end=at(2021, 11, 30),
            comments=rng.randint(3, 40),
            scope=None,
            category=cats[i],
            reference=f"IVRY-DEBA-2021-{i + 1}",
            created_at=at(2021, 9, 28),
        )


def _statuses(world: World) -> list[str]:
    ids = []
    for key, fr, en, progress in STATUSES:
        sid = world.next_id("status")
        world.statuses[sid] = {"id": sid, "key": key, "name": t(fr, en), "progress": progress}
        ids.append(sid)
    return ids


def _entry(world: World, day: str, fr: str, en: str) -> dict:
    return {
        "id": world.next_id("timeline_entry"),
        "date": day,
        "title": t(fr, en),
        "description": t("", ""),
    }


def _mandate(world: World, rng: random.Random, scopes: list[str]) -> None:
    space = _space(
        world,
        "process",
        "3-ans-action-municipale",
        t("3 ans d'action municipale, parlons-en !", "3 years of municipal action, let's talk!"),
        t("Bilan de mi-mandat", "Mid-term review"),
        t(
            "Dresser ensemble le bilan des trois premières années du mandat.",
            "Review together the first three years of the mandate.",
        ),
        t(
            "<p>Une caravane citoyenne et une vingtaine de rendez-vous dans les quartiers, sur les "
            "marchés et devant les écoles.</p>",
            "<p>A citizen caravan and some twenty meetings in the neighbourhoods.</p>",
        ),
        "2023-09-23",
        "2023-12-16",
        at(2023, 9, 14),
        steps=[
            (
                "Rencontres dans les quartiers",
                "Neighbourhood meetings",
                at(2023, 9, 23),
                at(2023, 11, 30),
                False,
            ),
            ("Restitution", "Feedback", at(2023, 12, 16), at(2023, 12, 16), True),
        ],
    )
    cats = _categories(world, space)
    proposals = _component(
        world, space, "Proposals", t("Vos avis", "Your views"), 1, hide_votes=True
    )
    for i in range(40):
        fr, en = MANDATE_IDEAS[i % len(MANDATE_IDEAS)]
        _proposal(
            world,
            rng,
            proposals,
            fr,
            en,
            scopes[i % 6],
            cats[i % 6],
            at(2023, 9, 23) + timedelta(days=i),
        )
    meetings = _component(world, space, "Meetings", t("Caravane citoyenne", "Citizen caravan"), 2)
    for i in range(20):
        start = at(2023, 9, 23) + timedelta(days=3 * i, hours=rng.choice([0, 7]))
        where = ["le marché", "la sortie d'école", "la maison de quartier", "le centre commercial"]
        world.add(
            "meeting",
            meetings,
            title=t(
                f"Caravane à {NEIGHBOURHOODS[i % 6][0]} : {where[i % 4]}",
                f"Caravan in {NEIGHBOURHOODS[i % 6][1]}",
            ),
            description=t(
                "<p>Venez donner votre avis sur les engagements du mandat.</p>",
                "<p>Come and give your view on the mandate's commitments.</p>",
            ),
            start=start,
            end=start + timedelta(hours=3),
            address=ADDRESSES[i % 8],
            location=t(where[i % 4], where[i % 4]),
            type_of_meeting="in_person",
            attendees=rng.randint(15, 90),
            contributions=rng.randint(5, 45),
            organizations=None,
            closed=i < 18,
            scope=scopes[i % 6],
            category=None,
            reference=f"IVRY-MEET-2023-{i + 1}",
            created_at=at(2023, 9, 14),
        )
    results = _component(
        world,
        space,
        "Accountability",
        t("Engagements", "Commitments"),
        3,
        statuses=_statuses(world),
    )
    statuses = world.components[results]["statuses"]
    for i, (fr, en) in enumerate(MANDATE_IDEAS):
        status = statuses[i % 3]
        world.add(
            "result",
            results,
            parent=None,
            title=t(fr, en),
            description=t("", ""),
            start="2020-07-01",
            end="2026-03-31",
            progress=float(world.statuses[status]["progress"]),
            status=status,
            weight=i,
            external_id=f"ENG-{i + 1}",
            scope=None,
            category=cats[i % 6],
            reference=f"IVRY-RES-2023-{i + 1}",
            timeline=[],
            created_at=at(2023, 9, 14),
        )


def _participatory_budget(world: World, rng: random.Random, scopes: list[str]) -> None:
    space = _space(
        world,
        "process",
        "budget-participatif",
        t("Budget participatif", "Participatory budget"),
        t("Édition 2024", "2024 edition"),
        t(
            "Les habitant·es proposent et votent des projets pour leur quartier.",
            "Residents propose and vote on projects for their neighbourhood.",
        ),
        t("<p>Un budget par quartier.</p>", "<p>One budget per neighbourhood.</p>"),
        "2024-03-01",
        "2024-10-31",
        at(2024, 2, 20),
        steps=[
            ("Dépôt des projets", "Project submission", at(2024, 3, 1), at(2024, 5, 31), False),
            ("Vote", "Vote", at(2024, 9, 1), at(2024, 10, 31), True),
        ],
    )
    cats = _categories(world, space)
    budgets = _component(world, space, "Budgets", t("Projets par quartier", "Projects"), 1)
    ideas = [
        "Un parcours sportif",
        "Des bancs et des jeux",
        "Une boîte à livres",
        "Un jardin partagé",
        "Des arceaux vélos",
        "Une fresque murale",
    ]
    for n, scope in enumerate(scopes):
        name = NEIGHBOURHOODS[n]
        budget = world.add(
            "budget",
            budgets,
            title=t(f"Budget {name[0]}", f"Budget {name[1]}"),
            description=t("", ""),
            total_budget=50000,
            scope=scope,
            created_at=at(2024, 2, 20),
        )
        for i, idea in enumerate(ideas[: 3 + n % 3]):
            world.add(
                "project",
                budgets,
                budget=budget,
                title=t(f"{idea} ({name[0]})", f"{idea} ({name[1]})"),
                description=t(f"<p>{idea}.</p>", ""),
                budget_amount=rng.choice([8000, 12000, 15000, 20000, 25000]),
                selected=i < 2,
                confirmed_votes=rng.randint(20, 400),
                scope=scope,
                category=cats[i % 6],
                reference=f"IVRY-PB-2024-{n + 1}-{i + 1}",
                created_at=at(2024, 3, 15),
            )


def _assembly(world: World, rng: random.Random, scopes: list[str]) -> None:
    space = _space(
        world,
        "assembly",
        "conseil-citoyen-climat",
        t("Conseil citoyen du climat", "Citizens' climate council"),
        t("", ""),
        t(
            "Des habitant·es tiré·es au sort suivent le plan climat.",
            "Residents drawn by lot follow the climate plan.",
        ),
        t("<p>Le conseil se réunit chaque trimestre.</p>", "<p>Meets every quarter.</p>"),
        None,
        None,
        at(2022, 1, 15),
    )
    cats = _categories(world, space)
    proposals = _component(world, space, "Proposals", t("Avis du conseil", "Opinions"), 1)
    for i in range(6):
        fr, en, theme = CLIMATE_IDEAS[-1 - i]
        _proposal(
            world,
            rng,
            proposals,
            f"Avis : {fr}",
            f"Opinion: {en}",
            scopes[i],
            cats[theme],
            at(2022, 3, 1) + timedelta(days=30 * i),
            state="accepted",
        )


def generate(world: World, rng: random.Random, scopes: list[str], proposals: int) -> None:
    """A large instance: `proposals` proposals over components of 10,000 at most, one meeting
    for 20 proposals, one result for 25, one project for 50."""
    space = _space(
        world,
        "process",
        "grande-concertation",
        t("Grande concertation", "Large consultation"),
        t("", ""),
        t("", ""),
        t("", ""),
        "2025-01-01",
        "2025-12-31",
        at(2025, 1, 1),
    )
    cats = _categories(world, space)
    component = None
    base = at(2025, 1, 1)
    for i in range(proposals):
        if i % 10000 == 0:
            component = _component(
                world, space, "Proposals", t(f"Propositions {i // 10000 + 1}", "Proposals"), i
            )
        fr, en, theme = CLIMATE_IDEAS[i % len(CLIMATE_IDEAS)]
        published = base + timedelta(minutes=7 * i)
        world.add(
            "proposal",
            component,
            title=t(f"{fr} #{i + 1}", f"{en} #{i + 1}"),
            body=t(f"<p>{fr}.</p>", f"<p>{en}.</p>"),
            state=None,
            answer=None,
            answered_at=None,
            published_at=published,
            created_at=published,
            votes=i % 97,
            endorsements=i % 13,
            comments=i % 7,
            scope=scopes[i % 6],
            category=cats[theme],
            address=None,
            official=False,
            withdrawn=False,
            reference=f"IVRY-PROP-2025-{i + 1}",
        )
    meetings = _component(world, space, "Meetings", t("Rencontres", "Meetings"), 90)
    for i in range(proposals // 20):
        start = base + timedelta(hours=5 * i)
        world.add(
            "meeting",
            meetings,
            title=t(f"Rencontre {i + 1}", f"Meeting {i + 1}"),
            description=t("", ""),
            start=start,
            end=start + timedelta(hours=2),
            address=ADDRESSES[i % 8],
            location=t("", ""),
            type_of_meeting="in_person",
            attendees=i % 80,
            contributions=i % 30,
            organizations=None,
            closed=True,
            scope=scopes[i % 6],
            category=None,
            reference=f"IVRY-MEET-2025-{i + 1}",
        )
    results = _component(
        world, space, "Accountability", t("Suivi", "Follow-up"), 91, statuses=_statuses(world)
    )
    statuses = world.components[results]["statuses"]
    for i in range(proposals // 25):
        world.add(
            "result",
            results,
            parent=None,
            title=t(f"Action {i + 1}", f"Action {i + 1}"),
            description=t("", ""),
            start="2025-01-01",
            end="2026-12-31",
            progress=float(i % 101),
            status=statuses[i % 3],
            weight=i,
            external_id=None,
            scope=scopes[i % 6],
            category=cats[i % 6],
            reference=f"IVRY-RES-2025-{i + 1}",
            timeline=[],
        )
    budgets = _component(world, space, "Budgets", t("Budgets", "Budgets"), 92)
    for b in range(max(1, proposals // 2500)):
        budget = world.add(
            "budget",
            budgets,
            title=t(f"Budget {b + 1}", f"Budget {b + 1}"),
            description=t("", ""),
            total_budget=1_000_000,
            scope=scopes[b % 6],
        )
        for i in range(50):
            world.add(
                "project",
                budgets,
                budget=budget,
                title=t(f"Projet {b + 1}.{i + 1}", f"Project {b + 1}.{i + 1}"),
                description=t("", ""),
                budget_amount=1000 * (i + 1),
                selected=i % 3 == 0,
                confirmed_votes=i,
                scope=scopes[i % 6],
                category=cats[i % 6],
                reference=f"IVRY-PROJ-2025-{b + 1}-{i + 1}",
            )
