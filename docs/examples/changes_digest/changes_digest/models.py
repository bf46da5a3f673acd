"""The plugin's tables, on a MetaData of its own (never the core's), so that its migrations
and the core's never see each other's tables."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from changes_digest import NAME


class Base(DeclarativeBase):
    """The plugin's own MetaData."""


class Note(Base):
    """A note an editor wrote on the admin page."""

    __tablename__ = f"{NAME}_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Count(Base):
    """How many changes of a resource the plugin was delivered; `last_change_id` makes a
    delivery that comes twice (a retry, a replay) count once."""

    __tablename__ = f"{NAME}_counts"

    resource: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_change_id: Mapped[int] = mapped_column(Integer, default=0)


class DigestRow(Base):
    """How many changes of a resource the plugin was delivered on a day (UTC)."""

    __tablename__ = NAME

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    resource: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
