"""Who did something, as a person reads it: the actor strings of the audit log and of the
plugins' histories (`user:EMAIL`, `token:ID:EMAIL`, `cli`, `demo`) become the account's name,
the command line, the demo. An account without a name is its e-mail, which is personal data:
only those who may read it (admins and editors) see it, others read "an account"."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.i18n import N_, core_catalog
from bridge.store.models import User

SOMEONE = N_("Someone")
COMMAND_LINE = N_("The command line")
DEMO = N_("Demo")  # `bridge demo` seeding the plugins' data: named as the demo's person is
TOKEN = N_("{name} (token no. {id})")
AN_ACCOUNT = N_("an account")  # a person without a name, for those who may not read e-mails


def email_of(actor: str) -> str | None:
    """The e-mail inside `user:EMAIL` or `token:ID:EMAIL`, else None."""
    kind, _, rest = actor.partition(":")
    if kind == "token":
        rest = rest.partition(":")[2]
    elif kind != "user":
        return None
    return rest or None


def names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """{e-mail: name} of the accounts behind `actors` that have a name."""
    emails = {e for e in map(email_of, actors) if e}
    if not emails:
        return {}
    found = session.execute(select(User.email, User.name).where(User.email.in_(emails)))
    return {email: name for email, name in found.all() if name}


class People:
    """Names actors in one language, from the accounts' names (`names`); `emails` says whether
    the reader may see an unnamed account's e-mail."""

    def __init__(self, known: dict[str, str], lang: str, emails: bool = True):
        self.known = known
        self.say = core_catalog().in_language(lang)
        self.emails = emails

    @classmethod
    def of(cls, session: Session, actors: Iterable[str], lang: str, emails: bool) -> People:
        """For a page that shows `actors`."""
        return cls(names(session, actors), lang, emails)

    def person(self, email: str) -> str:
        if email in self.known:
            return self.known[email]
        return email if self.emails else self.say.ugettext(AN_ACCOUNT)

    def __call__(self, actor: str) -> str:
        kind, _, rest = actor.partition(":")
        if kind == "user" and rest:
            return self.person(rest)
        if kind == "token" and rest:
            token_id, _, email = rest.partition(":")
            return self.say.ugettext(TOKEN).format(name=self.person(email), id=token_id)
        if actor == "cli":
            return self.say.ugettext(COMMAND_LINE)
        if actor == "demo":
            return self.say.ugettext(DEMO)
        return actor or self.say.ugettext(SOMEONE)
