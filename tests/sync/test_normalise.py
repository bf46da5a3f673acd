"""The normaliser on Decidim's own shapes of answer, as its API types build them (not as the
stand-in does): translated fields with machine translations, null fields, ids as strings."""

from datetime import datetime

from bridge.sync import normalise


def test_a_machine_translations_key_is_not_a_locale():
    # 0.27 and early 0.28 (`TranslatedFieldType#translations` maps every key of the JSON column)
    # give the column's `machine_translations` hash as one more entry, its text the hash as
    # Ruby prints it (graphql-ruby's String calls `to_s`).
    title = {
        "translations": [
            {"locale": "fr", "text": "Végétaliser la cour"},
            {"locale": "machine_translations", "text": '{"en"=>"Greening the yard"}'},
        ]
    }
    assert normalise.translated(title) == {"fr": "Végétaliser la cour"}


def test_a_machine_translated_locale_is_kept_as_decidim_shows_it():
    # 0.28.4+: one entry a locale, a machine translation where the human text is blank.
    title = {
        "translations": [
            {"locale": "fr", "text": "Végétaliser la cour", "machineTranslated": False},
            {"locale": "en", "text": "Greening the yard", "machineTranslated": True},
        ]
    }
    assert normalise.translated(title) == {"fr": "Végétaliser la cour", "en": "Greening the yard"}


def test_a_proposal_with_its_nullable_fields_null():
    node = {
        "id": "35",
        "title": {"translations": [{"locale": "fr", "text": "Un banc"}, None]},
        "body": None,
        "answer": None,
        "state": None,
        "answeredAt": None,
        "publishedAt": "2024-05-31T10:15:00+02:00",
        "createdAt": "2024-05-30T09:00:00+02:00",
        "updatedAt": "2024-05-31T10:15:00+02:00",
        "official": False,
        "address": None,
        "voteCount": None,  # votes hidden in this step
        "endorsementsCount": 0,
        "totalCommentsCount": 0,
        "category": None,
        "scope": None,
    }
    row = normalise.proposal(node)
    assert row["remote_id"] == "35" and row["title"] == {"fr": "Un banc"}
    assert row["body"] is None and row["vote_count"] is None and row["state"] is None
    assert row["published_at"] == datetime(2024, 5, 31, 8, 15)


def test_a_column_is_untold_only_when_none_of_its_keys_is_in_the_node():
    node = {"id": "1", "title": None, "official": None, "likesCount": 3}
    untold = normalise.untold(node, normalise.PROPOSAL_SOURCES)
    assert "address" in untold and "vote_count" in untold
    assert "official" not in untold and "title" not in untold  # present with null: told
    assert "endorsements_count" not in untold  # read under either name
    assert "withdrawn" in untold
    assert "withdrawn" not in normalise.untold({"state": "accepted"}, normalise.PROPOSAL_SOURCES)
    renamed = {"id": "1", "milestones": []}
    assert "timeline" not in normalise.untold(renamed, normalise.RESULT_SOURCES)
    assert "timeline" in normalise.untold({"id": "1"}, normalise.RESULT_SOURCES)


def test_every_column_with_sources_is_one_its_normaliser_gives():
    node = {"id": "1"}
    for normaliser, sources in (
        (lambda n: normalise.space(n, "participatory_processes"), normalise.SPACE_SOURCES),
        (normalise.component, normalise.COMPONENT_SOURCES),
        (normalise.category, normalise.CATEGORY_SOURCES),
        (normalise.proposal, normalise.PROPOSAL_SOURCES),
        (normalise.budget, normalise.BUDGET_SOURCES),
        (normalise.project, normalise.PROJECT_SOURCES),
        (normalise.result, normalise.RESULT_SOURCES),
        (normalise.meeting, normalise.MEETING_SOURCES),
        (normalise.debate, normalise.DEBATE_SOURCES),
    ):
        assert set(sources) <= set(normaliser(node)), sources
