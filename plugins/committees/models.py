"""The committees' tables, after OParl's vocabulary: organisation (committee), person (member),
membership, meeting, agenda item, decision, file (attachment), and the action items decisions
lead to.

Personal data lives in one place: a member's contacts (`email`, `phone`, `postal_address`) and
the link to a bridge account (`account_email`), plus the e-mail given for an action item's owner
who is not a member (`owner_email`). Everything else here may be published.

Synced Decidim records are kept by stable key (instance name + Decidim id), never by the core's
row ids; budget allocations by the key the budget's `references` hook gives them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MEMBER_KINDS = (
    "elected",
    "staff",
    "resident",
    "association",
    "institutional_partner",
    "economic_partner",
)
ROLES = ("chair", "secretary", "member")
ATTENDANCE = ("present", "excused", "absent")
MEETING_STATUSES = ("planned", "held", "cancelled")
ACTION_STATUSES = ("to_do", "in_progress", "done", "cancelled")


class Base(DeclarativeBase):
    """The committees' own MetaData (history `alembic_version_committees`)."""


class Committee(Base):
    """A follow-up committee (comité de suivi), tied to a theme, the voted priority it serves
    and, optionally, a synced participatory process (instance + space type + Decidim id)."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[str | None] = mapped_column(String(300))
    instance: Mapped[str | None] = mapped_column(String(100))
    space_type: Mapped[str | None] = mapped_column(String(40))
    space_remote_id: Mapped[str | None] = mapped_column(String(64))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="committee", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="Meeting.starts_at"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="ActionItem.id"
    )
    results: Mapped[list[CommitteeResult]] = relationship(cascade="all, delete-orphan")
    allocations: Mapped[list[CommitteeAllocation]] = relationship(cascade="all, delete-orphan")


class Member(Base):
    """A person sitting on one or more committees. `name`, `kind` and `organisation` are
    public; `email`, `phone`, `postal_address` and `account_email` are personal data, shown
    only to admins and to the secretaries of the member's committees.

    `account_email` links the member to a bridge account (lower-case e-mail of `users`): a
    member with a linked account and a current secretary membership is that committee's
    secretary on the admin pages. `erased_at` marks a person erased on request (GDPR): the name
    is replaced and every contact emptied, the row kept so past attendance still counts."""

    __tablename__ = "committees_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    postal_address: Mapped[str | None] = mapped_column(Text)
    account_email: Mapped[str | None] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="member")


class Membership(Base):
    """A member's seat on a committee: role, voting right, from `starts_on` to `ends_on`
    (inclusive; open-ended without)."""

    __tablename__ = "committees_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committees_members.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    voting: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    committee: Mapped[Committee] = relationship(back_populates="memberships")
    member: Mapped[Member] = relationship(back_populates="memberships")

    def current(self, day: date) -> bool:
        """Whether the seat is held on `day`."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Meeting(Base):
    """A meeting of a committee. `starts_at` and `ends_at` are naive UTC (the bridge's rule);
    pages show them in the city's time zone. `minutes_public` publishes the minutes."""

    __tablename__ = "committees_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    committee: Mapped[Committee] = relationship(back_populates="meetings")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class AgendaItem(Base):
    """A point of a meeting's agenda (ordre du jour), in `position` order."""

    __tablename__ = "committees_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committees_meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Attendance(Base):
    """Whether a member attended a meeting: present, excused or absent."""

    __tablename__ = "committees_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_committees_attendance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committees_meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committees_members.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    member: Mapped[Member] = relationship()


class Decision(Base):
    """What a meeting decided. When it was put to a vote (`voted`), the counts for, against and
    abstaining are kept (all three set); otherwise all three are empty."""

    __tablename__ = "committees_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committees_meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("committees_agenda_items.id"))
    text: Mapped[str] = mapped_column(Text)
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    action_items: Mapped[list[ActionItem]] = relationship(back_populates="decision")


class Attachment(Base):
    """A file attached to a meeting (agenda, slides, minutes scan), optionally to one of its
    decisions. Kept in the database so a backup holds it; size and type are checked on upload
    (see `attachments`). `public` files are listed on the public page."""

    __tablename__ = "committees_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committees_meetings.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("committees_decisions.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded_by: Mapped[str] = mapped_column(String(320))

    meeting: Mapped[Meeting] = relationship(back_populates="attachments")


class ActionItem(Base):
    """Something a committee must get done, usually from a decision: an owner (a member, or a
    name and e-mail given, e.g. a city department), a due date, a status and a progress 0-100.

    The owner's e-mail for reminders is the member's `email` when `owner_member_id` is set,
    else `owner_email` (personal data either way). `priority` names the voted priority or
    theme it serves (the committee's when empty)."""

    __tablename__ = "committees_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("committees_decisions.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_member_id: Mapped[int | None] = mapped_column(ForeignKey("committees_members.id"))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    owner_email: Mapped[str | None] = mapped_column(String(320))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="to_do")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    committee: Mapped[Committee] = relationship(back_populates="action_items")
    decision: Mapped[Decision | None] = relationship(back_populates="action_items")
    owner_member: Mapped[Member | None] = relationship()
    results: Mapped[list[ActionItemResult]] = relationship(cascade="all, delete-orphan")
    allocations: Mapped[list[ActionItemAllocation]] = relationship(cascade="all, delete-orphan")

    def owner_address(self) -> str | None:
        """Where reminders go: the member's e-mail, else the one given (None when erased)."""
        if self.owner_member is not None:
            return self.owner_member.email
        return self.owner_email


class CommitteeResult(Base):
    """A synced accountability result a committee follows, by stable key."""

    __tablename__ = "committees_committee_results"
    __table_args__ = (
        UniqueConstraint(
            "committee_id", "instance", "result_remote_id", name="uq_committees_committee_result"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    instance: Mapped[str] = mapped_column(String(100))
    result_remote_id: Mapped[str] = mapped_column(String(64))


class CommitteeAllocation(Base):
    """A budget allocation a committee follows, by the key of the budget's `references`."""

    __tablename__ = "committees_committee_allocations"
    __table_args__ = (
        UniqueConstraint("committee_id", "reference", name="uq_committees_committee_allocation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    reference: Mapped[str] = mapped_column(String(300))


class ActionItemResult(Base):
    """A synced accountability result an action item moves forward, by stable key: the roll-up
    (h7's `rollup`) carries the item's progress onto it."""

    __tablename__ = "committees_action_results"
    __table_args__ = (
        UniqueConstraint(
            "action_item_id", "instance", "result_remote_id", name="uq_committees_action_result"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("committees_action_items.id"), index=True
    )
    instance: Mapped[str] = mapped_column(String(100))
    result_remote_id: Mapped[str] = mapped_column(String(64))


class ActionItemAllocation(Base):
    """A budget allocation an action item spends, by the key of the budget's `references`."""

    __tablename__ = "committees_action_allocations"
    __table_args__ = (
        UniqueConstraint("action_item_id", "reference", name="uq_committees_action_allocation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("committees_action_items.id"), index=True
    )
    reference: Mapped[str] = mapped_column(String(300))
