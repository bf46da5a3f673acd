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
