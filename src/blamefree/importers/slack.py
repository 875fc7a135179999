"""Slack workspace exports: users.json, channels.json and one folder of day files per channel.

Every message becomes one event (kind `message`; `channel_event` for joins, leaves, topic and
purpose changes and the like). The id is ``<channel id>:<ts>`` with `ts` kept exactly as Slack
wrote it, and the time is `ts` read as integer seconds and microseconds (no float on the way).

Exports are read one day file at a time, so memory stays flat however large the export; a day
file larger than `STREAM_THRESHOLD` is streamed twice (checked first, then converted in chunks).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from blamefree.domain.timeline import EventKind, EventRow
from blamefree.errors import SourceFormatError, UsageError
from blamefree.importers._common import (
    EPOCH,
    FileBatch,
    ImportOptions,
    as_dict,
    chunked_rows,
    from_epoch,
)
from blamefree.importers.slack_export import (
    DAY_FILE,
    STREAM_THRESHOLD,
    ExportTree,
    iter_array,
    open_tree,
)
from blamefree.importers.slack_text import SlackMarkup, attachments_text, blocks_text

_SCALE = (1_000_000, 100_000, 10_000, 1000, 100, 10)
_MESSAGE = EventKind.MESSAGE
_CHANNEL_EVENT = EventKind.CHANNEL_EVENT
_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,9}))?$")

CHANNEL_EVENT_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "channel_convert_to_private",
        "channel_convert_to_public",
        "group_join",
        "group_leave",
        "group_topic",
        "group_purpose",
        "group_name",
        "group_archive",
        "group_unarchive",
        "pinned_item",
        "unpinned_item",
        "bot_add",
        "bot_remove",
    }
)
SKIPPED_SUBTYPES = frozenset({"message_deleted", "message_changed", "message_replied", "tombstone"})


def slack_ts_time(ts: str, *, file: str, record: object) -> dt.datetime:
    """A Slack `ts` ("1700000000.123456") as an exact UTC datetime."""
    seconds, dot, frac = ts.partition(".")
    if 0 < len(seconds) <= 12 and len(frac) <= 9 and seconds.isdecimal() and seconds.isascii():
        if not frac:
            if not dot:
                return EPOCH + timedelta(0, int(seconds))
        elif frac.isdecimal() and frac.isascii():
            micros = int(frac[:6]) * _SCALE[len(frac)] if len(frac) < 6 else int(frac[:6])
            return EPOCH + timedelta(0, int(seconds), micros)
    match = _TS.match(ts)
    if match is None:
        raise SourceFormatError(
            f"not a Slack timestamp: {ts[:40]!r}", file=file, record=str(record), field="ts"
        )
    seconds, frac = match.groups()
    return from_epoch(int(seconds), int((frac or "")[:6].ljust(6, "0")))


def _user_name(user: Any) -> tuple[str, str] | None:
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return None
    profile = as_dict(user.get("profile"))
    for value in (
        profile.get("real_name"),
        user.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
    ):
        if isinstance(value, str) and value.strip():
            return user["id"], value.strip()
    return user["id"], user["id"]


class _Channel:
    __slots__ = ("folder", "id", "name")

    def __init__(self, folder: str, cid: str, name: str) -> None:
        self.folder = folder
        self.id = cid
        self.name = name


class SlackImporter:
    """A Slack export folder or zip (or one channel folder of it)."""

    name = "slack"
    dedupe = False  # `channel:ts` is unique within an export by construction
    stream_threshold = STREAM_THRESHOLD

    def batches(self, paths: Sequence[Path], options: ImportOptions) -> Iterator[FileBatch]:
        """One batch per day file, each yielded only once the whole file has been checked."""
        for path in paths:
            tree = open_tree(path)
            try:
                yield from self._export(tree, options)
            finally:
                tree.close()

    # --- the export ---------------------------------------------------------------------

    def _export(self, tree: ExportTree, options: ImportOptions) -> Iterator[FileBatch]:
        users: dict[str, str] = {}
        if tree.exists("users.json"):
            for index, user in enumerate(
                iter_array(tree, "users.json", threshold=self.stream_threshold)
            ):
                pair = _user_name(user)
                if pair is None:
                    raise SourceFormatError(
                        "expected a user object with an id",
                        file=tree.display("users.json"),
                        record=index,
                        field="id",
                    )
                users[pair[0]] = pair[1]
        channels = self._channels(tree)
        markup = SlackMarkup(users, {c.id: c.name for c in channels.values()})
        folders = tree.folders()
        wanted = self._wanted(channels, folders, options)
        if not folders and not channels:
            raise SourceFormatError(
                "not a Slack export: no users.json, channels.json or channel folders",
                file=tree.label,
            )
        for folder in folders:
            channel = channels.get(folder) or _Channel(folder, folder, folder)
            if wanted is not None and channel.folder not in wanted:
                continue
            for day in tree.files(folder):
                match = DAY_FILE.match(day)
                if match is None or not _day_in_range(match, options):
                    continue
                yield from self._day(tree, f"{folder}/{day}", channel, markup, options)

    def _channels(self, tree: ExportTree) -> dict[str, _Channel]:
        channels: dict[str, _Channel] = {}
        for meta in ("channels.json", "groups.json", "mpims.json", "dms.json"):
            if not tree.exists(meta):
                continue
            for index, item in enumerate(iter_array(tree, meta, threshold=self.stream_threshold)):
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    raise SourceFormatError(
                        "expected a channel object with an id",
                        file=tree.display(meta),
                        record=index,
                        field="id",
                    )
                cid = item["id"]
                name = item.get("name") if isinstance(item.get("name"), str) else None
                folder = cid if meta == "dms.json" or not name else name
                channels[folder] = _Channel(folder, cid, name or cid)
        return channels

    def _wanted(
        self, channels: dict[str, _Channel], folders: list[str], options: ImportOptions
    ) -> set[str] | None:
        if not options.channel:
            return None
        wanted: set[str] = set()
        for raw in options.channel:
            key = raw.strip().lstrip("#")
            hits = [c.folder for c in channels.values() if key in (c.name, c.id, c.folder)]
            if not hits and key in folders:
                hits = [key]  # a folder without an entry in channels.json
            if not hits:
                known = ", ".join(sorted({c.name for c in channels.values()} | set(folders)))
                raise UsageError(f"no channel {raw!r} in the export; channels: {known or 'none'}")
            wanted.update(hits)
        return wanted

    # --- one day file -------------------------------------------------------------------

    def _day(
        self,
        tree: ExportTree,
        name: str,
        channel: _Channel,
        markup: SlackMarkup,
        options: ImportOptions,
    ) -> Iterator[FileBatch]:
        file = tree.display(name)
        size = tree.size(name)
        items = iter_array(tree, name, threshold=self.stream_threshold)
        if size <= self.stream_threshold:
            rows = list(self._rows(items, file, channel, markup, options))
            options.report(size)
            yield FileBatch(file, rows=rows)
            return
        if not options.streaming:
            # Too big to hold: check every record first, then convert again in chunks.
            for _ in self._rows(items, file, channel, markup, options):
                pass
            items = iter_array(tree, name, threshold=self.stream_threshold)
        yield from chunked_rows(file, self._rows(items, file, channel, markup, options))
        options.report(size)

    def _rows(
        self,
        items: Iterator[Any],
        file: str,
        channel: _Channel,
        markup: SlackMarkup,
        options: ImportOptions,
    ) -> Iterator[EventRow]:
        reaction = options.key_reaction.strip(":")
        ranged = options.since is not None or options.until is not None
        # A record repeated in its day file (the same `ts`, e.g. a thread broadcast written
        # both as a reply and in the channel) is one message: its id is the same. A streaming
        # caller's store drops the repeat instead, so memory does not grow with the file.
        seen: set[str | None] | None = None if options.streaming else set()
        channel_id = channel.id
        for index, msg in enumerate(items):
            event = message_row(msg, index, file, channel_id, markup, reaction)
            if event is None:
                continue
            if seen is not None:
                if event.time_text in seen:
                    continue
                seen.add(event.time_text)
            if not ranged or options.in_range(event.time):
                yield event


def _day_in_range(match: re.Match[str], options: ImportOptions) -> bool:
    if options.since is None and options.until is None:
        return True
    try:
        day = dt.datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=dt.UTC)
    except ValueError:
        return True
    # A day file follows the workspace's zone: allow a day of slack on both sides.
    if options.since is not None and day + dt.timedelta(days=2) < options.since:
        return False
    return not (options.until is not None and day - dt.timedelta(days=1) > options.until)


def _actor(msg: dict[str, Any], users: Mapping[str, str]) -> str | None:
    uid = msg.get("user")
    if isinstance(uid, str) and uid in users:
        return users[uid]
    profile = msg.get("user_profile")
    if isinstance(profile, dict):
        for key in ("real_name", "display_name", "name"):
            value = profile.get(key)
            if isinstance(value, str) and value:
                return value
    for key in ("username",):
        value = msg.get(key)
        if isinstance(value, str) and value:
            return value
    bot = msg.get("bot_profile")
    if isinstance(bot, dict) and isinstance(bot.get("name"), str) and bot["name"]:
        return str(bot["name"])
    if isinstance(uid, str) and uid:
        return uid
    bot_id = msg.get("bot_id")
    return bot_id if isinstance(bot_id, str) and bot_id else None


def _text(msg: dict[str, Any], markup: SlackMarkup, file: str, index: int) -> str:
    raw = msg.get("text")
    if isinstance(raw, str):
        text = markup.plain(raw).strip()
        if text:
            return text
    elif raw is not None:
        raise SourceFormatError("expected text", file=file, record=index, field="text")
    users, names = markup.users, markup.channels
    text = attachments_text(msg.get("attachments"), users, names)
    if not text:
        try:
            text = blocks_text(msg.get("blocks"), users, names)
        except SourceFormatError as exc:
            raise SourceFormatError(exc.reason, file=file, record=index, field=exc.field) from None
    if not text and isinstance(msg.get("files"), list):
        titles = [
            str(f.get("title") or f.get("name"))
            for f in msg["files"]
            if isinstance(f, dict) and (f.get("title") or f.get("name"))
        ]
        text = "shared " + ", ".join(titles) if titles else ""
    return text.strip()


def _is_key(msg: dict[str, Any], reaction: str) -> bool:
    if msg.get("pinned_to"):
        return True
    reactions = msg.get("reactions")
    if isinstance(reactions, list):
        for item in reactions:
            if isinstance(item, dict) and item.get("name") == reaction:
                return True
    return False


_new_row = tuple.__new__


def message_row(
    msg: Any,
    index: int,
    file: str,
    channel_id: str,
    markup: SlackMarkup,
    reaction: str,
) -> EventRow | None:
    """One export message as an event row, or None for records that are not messages of their
    own."""
    if not isinstance(msg, dict):
        raise SourceFormatError("expected a message object", file=file, record=index)
    ts = msg.get("ts")
    if not isinstance(ts, str):
        if "ts" not in msg:
            raise SourceFormatError("missing", file=file, record=index, field="ts")
        raise SourceFormatError("expected a string", file=file, record=index, field="ts")
    subtype = msg.get("subtype")
    if subtype is not None:
        if not isinstance(subtype, str):
            raise SourceFormatError("expected a string", file=file, record=index, field="subtype")
        if subtype in SKIPPED_SUBTYPES:
            return None
    if msg.get("hidden") is True:
        return None
    # The usual `ts` (seconds, a dot, six digits) inline; anything else through slack_ts_time.
    seconds, _, micros = ts.partition(".")
    if len(micros) == 6 and 0 < len(seconds) <= 12 and ts.isascii():
        if seconds.isdecimal() and micros.isdecimal():
            when = EPOCH + timedelta(0, int(seconds), int(micros))
        else:
            when = slack_ts_time(ts, file=file, record=index)
    else:
        when = slack_ts_time(ts, file=file, record=index)
    uid = msg.get("user")
    users = markup.users
    # A NamedTuple's own constructor is a Python function; tuple.__new__ makes the same row.
    row: EventRow = _new_row(
        EventRow,
        (
            when,
            ts,
            None,
            _CHANNEL_EVENT if subtype in CHANNEL_EVENT_SUBTYPES else _MESSAGE,
            users.get(uid) or _actor(msg, users) if type(uid) is str else _actor(msg, users),
            _text(msg, markup, file, index),
            "slack",
            f"{channel_id}:{ts}",
            ("reactions" in msg or "pinned_to" in msg) and _is_key(msg, reaction),
            None,
        ),
    )
    return row
