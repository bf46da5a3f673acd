"""Demo data in the manner of Ivry-sur-Seine's 2023 mid-mandate review: the municipal
programme of 2020 as some forty commitments over the city's themes, sorted in 2023 by
progress (done, in progress, still to do), a few on hold or given up, each status with its
history and some evidence (the city's pages, the budget's ledger lines, synced results)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import PluginContext, Reference, formatting
from plugins.commitments.models import Commitment, Evidence, Mandate, StatusChange

MANDATE = "Mandat municipal 2020-2026"
fr = formatting.french_spacing  # the booklet's French, typeset as its pages are

PROGRAMME = fr("Engagement du projet municipal « Ensemble pour Ivry » (2020)")
REVIEW = datetime(2023, 12, 1, 19, 0)  # the restitution evening of the mid-mandate review
STAGE_2025 = datetime(2025, 6, 14, 9, 0)  # a progress point of 2025, before its Climate Conference
# commitment -> (status, why) moved at STAGE_2025: the report as of 2025 differs from 2023's
MOVED_2025: dict[str, tuple[str, str]] = {
    "Planter 2 000 arbres dans l’espace public": (
        "done",
        "Point d’étape 2025 : le 2 000e arbre planté au printemps",
    ),
    "Végétaliser les cours d’école (cours « oasis »)": (
        "done",
        "Point d’étape 2025 : toutes les cours prévues sont rénovées",
    ),
    "Créer un conseil des enfants": (
        "in_progress",
        "Point d’étape 2025 : premières élections dans les écoles en mai",
    ),
}
ACTOR = "demo"  # who the history and evidence say did it: pages name it « Démo », as the audit
CITY = "https://ivry94.fr/"

# (theme, commitment, status in December 2023, why)
COMMITMENTS: list[tuple[str, str, str, str]] = [
    (
        "Climat et transition écologique",
        "Réduire d’au moins 40 % les émissions de gaz à effet de serre de la ville d’ici 2030",
        "in_progress",
        "Plan d’action issu de la démarche « Pour le climat, à Ivry, on agit ! » en cours",
    ),
    (
        "Climat et transition écologique",
        "Associer les habitants à un plan climat par une démarche participative",
        "done",
        "Démarche conduite en 2021, 700 000 € votés pour ses suites",
    ),
    (
        "Climat et transition écologique",
        "Créer des comités de suivi des actions votées",
        "done",
        "Comités installés en 2022",
    ),
    (
        "Climat et transition écologique",
        "Tenir des Conférences climat pour faire le point",
        "in_progress",
        "Première conférence en 2023, la suivante en 2025",
    ),
    (
        "Climat et transition écologique",
        "Planter 2 000 arbres dans l’espace public",
        "in_progress",
        "1 150 arbres plantés fin 2023",
    ),
    (
        "Climat et transition écologique",
        "Rénover thermiquement les écoles les plus énergivores",
        "in_progress",
        "Trois groupes scolaires rénovés sur huit",
    ),
    (
        "Climat et transition écologique",
        "Installer des panneaux solaires sur les toits municipaux",
        "on_hold",
        "Appel à projets reporté après l’étude de structure des toitures",
    ),
    (
        "Climat et transition écologique",
        "Zéro pesticide dans tous les espaces verts",
        "done",
        "Gestion différenciée généralisée en 2021",
    ),
    (
        "Mobilités",
        "Créer 10 km d’aménagements cyclables sécurisés",
        "in_progress",
        "6 km livrés, le reste programmé en 2024-2025",
    ),
    (
        "Mobilités",
        "Installer du stationnement vélo devant chaque école",
        "done",
        "Arceaux posés devant les 23 écoles",
    ),
    (
        "Mobilités",
        "Généraliser les zones 30 dans les quartiers",
        "done",
        "Ville à 30 km/h depuis 2022",
    ),
    (
        "Mobilités",
        "Obtenir le prolongement de la ligne 10 du métro",
        "not_started",
        "Dépend de l’État et de la Région : plaidoyer en cours",
    ),
    (
        "Mobilités",
        "Piétonniser les abords des écoles",
        "in_progress",
        "Rues scolaires dans cinq écoles sur douze prévues",
    ),
    (
        "Éducation et petite enfance",
        "Ouvrir une nouvelle crèche municipale",
        "in_progress",
        "Chantier lancé, ouverture prévue en 2025",
    ),
    (
        "Éducation et petite enfance",
        "Servir une alimentation 100 % bio dans les cantines",
        "in_progress",
        "72 % de produits bio en 2023",
    ),
    (
        "Éducation et petite enfance",
        "Végétaliser les cours d’école (cours «\u202foasis\u202f»)",
        "in_progress",
        "Quatre cours transformées",
    ),
    (
        "Éducation et petite enfance",
        "Gratuité des fournitures scolaires",
        "done",
        "Fournitures fournies depuis la rentrée 2021",
    ),
    (
        "Éducation et petite enfance",
        "Créer un conseil des enfants",
        "not_started",
        "Prévu pour 2024",
    ),
    (
        "Logement et urbanisme",
        "Maintenir 35 % de logements sociaux dans chaque nouveau programme",
        "done",
        "Règle inscrite au plan local d’urbanisme",
    ),
    (
        "Logement et urbanisme",
        "Encadrer les loyers",
        "done",
        "Encadrement en vigueur depuis 2021 avec l’établissement public territorial",
    ),
    (
        "Logement et urbanisme",
        "Lutter contre l’habitat indigne par un permis de louer",
        "in_progress",
        "Permis de louer dans deux quartiers",
    ),
    (
        "Logement et urbanisme",
        "Créer un parc dans le quartier Ivry-Port",
        "on_hold",
        "Foncier non libéré par l’aménageur",
    ),
    (
        "Solidarités et santé",
        "Ouvrir un second centre municipal de santé",
        "not_started",
        "Recherche de locaux en cours",
    ),
    (
        "Solidarités et santé",
        "Créer une mutuelle communale",
        "done",
        "Mutuelle ouverte à tous les Ivryens depuis 2021",
    ),
    (
        "Solidarités et santé",
        "Ouvrir une épicerie solidaire",
        "in_progress",
        "Association retenue, ouverture en 2024",
    ),
    (
        "Solidarités et santé",
        "Tarification sociale de l’eau",
        "broken",
        "Compétence transférée : la ville ne peut plus décider seule de ce tarif",
    ),
    (
        "Démocratie participative",
        "Installer des budgets participatifs dans chaque quartier",
        "in_progress",
        "Deux éditions tenues, la troisième en préparation",
    ),
    (
        "Démocratie participative",
        "Ouvrir une plateforme de participation en ligne",
        "done",
        "« Ivry & Moi, mon avis, mes idées » ouverte en 2021",
    ),
    (
        "Démocratie participative",
        "Rendre compte à mi-mandat devant les habitants",
        "done",
        "Caravane citoyenne, cafés des quartiers et agoras de l’automne 2023",
    ),
    (
        "Démocratie participative",
        "Créer un référendum d’initiative locale",
        "broken",
        "Abandonné après la concertation de 2023, au profit des agoras annuelles",
    ),
    (
        "Démocratie participative",
        "Retransmettre en direct les conseils municipaux",
        "done",
        "Diffusés en ligne depuis 2020",
    ),
    ("Culture et sport", "Rénover le gymnase Joliot-Curie", "in_progress", "Travaux en cours"),
    (
        "Culture et sport",
        "Ouvrir une médiathèque dans le quartier Centre-Ville",
        "not_started",
        "Études préalables à lancer",
    ),
    (
        "Culture et sport",
        "Gratuité des musées et de la programmation culturelle pour les moins de 18 ans",
        "done",
        "En place depuis 2022",
    ),
    (
        "Culture et sport",
        "Créer un festival des cultures urbaines",
        "on_hold",
        "Reporté faute de subvention régionale",
    ),
    (
        "Services publics",
        "Ouvrir les Maisons municipales de quartier le samedi",
        "in_progress",
        "Trois maisons sur six ouvertes le samedi",
    ),
    (
        "Services publics",
        "Réinternaliser le nettoyage des bâtiments municipaux",
        "not_started",
        "Fin des marchés en cours en 2025",
    ),
    (
        "Services publics",
        "Consulter les agents sur les engagements du projet municipal",
        "done",
        "« Cafés des communaux » : près de 1 300 agents interrogés en 2023",
    ),
]
LINKS = {
    "Associer les habitants à un plan climat par une démarche participative": (
        "Pour le climat, à Ivry, on agit !",
        CITY + "2002/pour-le-climat-a-ivry-on-agit.htm",
    ),
    "Rendre compte à mi-mandat devant les habitants": (
        "3 ans d’action municipale, parlons-en ! (communiqué du 14 septembre 2023)",
        CITY,
    ),
}


def seed(context: PluginContext) -> None:
    """Idempotent: nothing when the mandate exists."""
    with context.transaction() as session:
        if session.scalar(select(Mandate.id).where(Mandate.name == MANDATE)):
            return
        mandate = Mandate(
            name=MANDATE,
            starts_on=date(2020, 7, 4),
            ends_on=date(2026, 3, 31),
            created_at=datetime(2020, 7, 10),
        )
        session.add(mandate)
        session.flush()
        climate: list[Commitment] = []
        for number, (theme, title, status, why) in enumerate(COMMITMENTS, start=1):
            c = _commitment(session, mandate, number, theme, fr(title), status, fr(why))
            if theme.startswith("Climat"):
                climate.append(c)
            if title in LINKS:
                label, url = LINKS[title]
                _evidence(session, c, kind="link", label=fr(label), url=url)
        _cite_budget(context, session, climate)
        _cite_results(context, session, climate)
        context.audit(
            session, "commitments.demo", f"mandate:{mandate.id}", {"commitments": len(COMMITMENTS)}
        )


def _commitment(
    session: Session, mandate: Mandate, number: int, theme: str, title: str, status: str, why: str
) -> Commitment:
    started = datetime(2020, 7, 10)
    c = Commitment(
        mandate_id=mandate.id,
        ref=f"E-{number:02d}",
        theme=theme,
        title=title,
        status=status,
        status_changed_at=REVIEW if status != "not_started" else started,
        created_at=started,
        updated_at=REVIEW,
    )
    session.add(c)
    session.flush()
    session.add(
        StatusChange(
            commitment_id=c.id,
            old_status=None,
            new_status="not_started",
            reason=PROGRAMME,
            changed_by=ACTOR,
            changed_at=started,
        )
    )
    if status in ("done", "on_hold", "broken"):  # went through "in progress" first
        session.add(
            StatusChange(
                commitment_id=c.id,
                old_status="not_started",
                new_status="in_progress",
                reason="Mise en œuvre engagée",
                changed_by=ACTOR,
                changed_at=datetime(2021, 9, 1),
            )
        )
    if status != "not_started":
        before = "not_started" if status == "in_progress" else "in_progress"
        session.add(
            StatusChange(
                commitment_id=c.id,
                old_status=before,
                new_status=status,
                reason=fr(f"Bilan de mi-mandat : {why}"),
                changed_by=ACTOR,
                changed_at=REVIEW,
            )
        )
    else:
        c.status_changed_at = started
    moved = {fr(k): v for k, v in MOVED_2025.items()}.get(title)
    if moved:
        later, why_later = moved
        session.add(
            StatusChange(
                commitment_id=c.id,
                old_status=c.status,
                new_status=later,
                reason=fr(why_later),
                changed_by=ACTOR,
                changed_at=STAGE_2025,
            )
        )
        c.status, c.status_changed_at, c.updated_at = later, STAGE_2025, STAGE_2025
    return c


def _evidence(session: Session, c: Commitment, **values: str) -> None:
    session.add(Evidence(commitment_id=c.id, added_by=ACTOR, added_at=REVIEW, **values))


def _cite_budget(context: PluginContext, session: Session, climate: list[Commitment]) -> None:
    """The budget's ledger lines, when the budget's demo is there, as evidence of the climate
    commitments (what was committed and paid for the voted actions)."""
    found: list[Reference] = context.collect(
        "references", session=session, kind="budget.ledger_line", search=None
    )
    for c, ref in zip(climate[:4], found[:4], strict=False):
        _evidence(session, c, kind="reference", label=ref.label, ref_kind=ref.kind, ref_key=ref.key)


def _cite_results(context: PluginContext, session: Session, climate: list[Commitment]) -> None:
    """The synced accountability results of the climate process, by stable key."""
    instances = context.records.instances()
    if not instances:
        return
    name = instances[0].name
    results = []
    for result in context.records.results.iterate(name):
        results.append(result)
        if len(results) == 3:
            break
    for c, result in zip(climate[4:], results, strict=False):
        title = result.title if isinstance(result.title, dict) else {}
        _evidence(
            session,
            c,
            kind="record",
            label=str(title.get("fr") or f"Résultat {result.remote_id}"),
            instance=name,
            resource="results",
            remote_id=str(result.remote_id),
        )
