"""Shared rendering for the messaging connectors (Telegram, Slack, Facebook Messenger).

The bot's responses are written once, for the web widget: light markdown (`**bold**`,
`[text](url)`), quick-reply buttons, and two custom payloads (`{"assessment": {...}}` for the
result card, `{"doctor_summary": {"text", "filename"}}` for the download button). Chat apps have
neither the card nor the download button, and each has its own markup and size limits, so the
connectors' output channels turn these into what the platform can show. Pure functions, no I/O.
"""
from __future__ import annotations

import html
import logging
import re
from collections import OrderedDict
from typing import Any, Dict, Iterable, List, Optional

logger = logging.getLogger(__name__)

LEVEL_ICONS = {"emergency": "🚨", "urgent": "⚠️", "see_doctor": "🩺", "self_care": "✅"}
LEVEL_TITLES = {
    "emergency": "Get emergency help now",
    "urgent": "Get seen today",
    "see_doctor": "Book a doctor's appointment",
    "self_care": "Self-care looks reasonable",
}

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


# --- markup ---------------------------------------------------------------------------------
def to_plain(text: str) -> str:
    """For platforms without markup (Messenger): bold dropped, links as "text (url)"."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    return _BOLD.sub(r"\1", text)


def to_slack_mrkdwn(text: str) -> str:
    """Slack mrkdwn: `&`, `<`, `>` escaped, `*bold*`, `<url|text>` links."""
    links: List[str] = []

    def keep_link(match: "re.Match[str]") -> str:
        label = match.group(1).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        links.append(f"<{match.group(2)}|{label.replace('|', '/')}>")
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(keep_link, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BOLD.sub(r"*\1*", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], text)


def to_telegram_html(text: str) -> str:
    """Telegram `parse_mode=HTML`: everything escaped, `<b>` and `<a href>` only."""
    links: List[str] = []

    def keep_link(match: "re.Match[str]") -> str:
        links.append(f'<a href="{html.escape(match.group(2), quote=True)}">{html.escape(match.group(1), quote=False)}</a>')
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(keep_link, text)
    text = html.escape(text, quote=False)
    text = _BOLD.sub(r"<b>\1</b>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], text)


# --- sizes ----------------------------------------------------------------------------------
def split_text(text: str, limit: int) -> List[str]:
    """Pieces of at most `limit` characters, cut at paragraph, line or word boundaries."""
    text = text.strip()
    pieces: List[str] = []
    while len(text) > limit:
        window = text[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        else:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].strip()
    if text:
        pieces.append(text)
    return pieces


def short_title(title: str, limit: int) -> str:
    """A button label that fits `limit` characters, shortened at a word boundary with "…"."""
    title = " ".join(str(title).split())
    if len(title) <= limit:
        return title
    head = title[: limit - 1]
    if " " in head:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:-") + "…"


# --- custom payloads ------------------------------------------------------------------------
def _knowledge():
    try:
        from actions.clinic import load_knowledge

        return load_knowledge()
    except Exception:  # the connectors still work without the knowledge base (plain ids)
        logger.debug("knowledge base not available for channel rendering", exc_info=True)
        return None


def _name(kind: str, item_id: str) -> str:
    kb = _knowledge()
    try:
        if kb is not None and kind == "technique":
            return kb.technique(item_id)["name"]
        if kb is not None and kind == "type":
            return kb.headache_type_info(item_id)["name"]
    except Exception:
        pass
    return str(item_id).replace("_", " ").capitalize()


def assessment_summary(payload: Dict[str, Any]) -> str:
    """The assessment card as a short chat message (markdown: `**bold**`, bullets)."""
    level = payload.get("triage_level") or ""
    icon = LEVEL_ICONS.get(level, "📋")
    lines = [f"{icon} **In short: {LEVEL_TITLES.get(level, level.replace('_', ' ') or 'assessment')}**"]
    if payload.get("headache_type"):
        lines.append(f"Pattern: {_name('type', payload['headache_type'])}")
    techniques = [t for t in payload.get("recommended_techniques") or [] if isinstance(t, str)]
    if techniques and level not in ("urgent", "emergency"):
        lines.append("Massage options: " + ", ".join(_name("technique", t) for t in techniques))
    if level in ("urgent", "emergency") and payload.get("emergency_number"):
        lines.append(f"Emergency number: {payload['emergency_number']}")
    if payload.get("disclaimer"):
        lines.append(str(payload["disclaimer"]))
    return "\n".join(lines)


def doctor_summary(payload: Dict[str, Any]) -> Optional[Dict[str, str]]:
    """`{"text", "filename"}` of a doctor-summary payload, or None if it has no text."""
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    filename = payload.get("filename")
    if not isinstance(filename, str) or not re.fullmatch(r"[\w.-]{1,100}", filename):
        filename = "headease-summary.txt"
    return {"text": text.strip(), "filename": filename}


def known_payload(json_message: Any) -> Optional[str]:
    """"assessment" or "doctor_summary" when the custom json is one of HeadEase's own payloads."""
    if isinstance(json_message, dict):
        for key in ("assessment", "doctor_summary"):
            if isinstance(json_message.get(key), dict):
                return key
    return None


class RecentTexts:
    """What an output channel recently sent to each recipient, so a doctor summary that was
    already sent as a message is not repeated word for word (bounded, per process)."""

    def __init__(self, per_recipient: int = 12, recipients: int = 2000) -> None:
        self._texts: "OrderedDict[str, List[str]]" = OrderedDict()
        self._per_recipient = per_recipient
        self._recipients = recipients

    def add(self, recipient_id: Any, text: str) -> None:
        key = str(recipient_id)
        texts = self._texts.pop(key, [])
        texts = (texts + [_normalise(text)])[-self._per_recipient:]
        self._texts[key] = texts
        while len(self._texts) > self._recipients:
            self._texts.popitem(last=False)

    def already_sent(self, recipient_id: Any, text: str) -> bool:
        wanted = _normalise(text)
        return bool(wanted) and any(wanted in sent for sent in self._texts.get(str(recipient_id), []))


def _normalise(text: str) -> str:
    return " ".join(to_plain(text).split())


def button_titles(buttons: Iterable[Dict[str, Any]]) -> List[str]:
    return [str(b.get("title") or b.get("payload") or "") for b in buttons]


# --- which replies matter most ----------------------------------------------------------------
ALERT_LEVELS = ("emergency", "urgent")
_DECORATION = re.compile(r"^[\W_]+", re.UNICODE)  # leading emoji, markup and spaces


def _alert_titles() -> List[str]:
    kb = _knowledge()
    titles = []
    for level in ALERT_LEVELS:
        try:
            titles.append(str(kb.messages["triage"][level]["title"]).casefold())
        except Exception:
            titles.append(LEVEL_TITLES[level].casefold())
    return titles


def is_emergency_reply(message: Dict[str, Any]) -> bool:
    """An alert line: the red-flag screen's urgent/emergency advice (its text opens with the
    knowledge base's triage title for that level), or the assessment card at one of those levels.
    Messaging channels send these first in a turn and never drop them silently."""
    if not isinstance(message, dict):
        return False
    if known_payload(message.get("custom")) == "assessment":
        return message["custom"]["assessment"].get("triage_level") in ALERT_LEVELS
    text = message.get("text")
    if not isinstance(text, str):
        return False
    opening = _DECORATION.sub("", to_plain(text)).casefold()
    return any(opening.startswith(title) for title in _alert_titles())


def plain_reply_text(message: Dict[str, Any]) -> str:
    """A bot message as plain text, for a platform that refused its rich form: the text, the
    answer choices as a list, the assessment card as its short summary."""
    parts: List[str] = []
    if isinstance(message.get("text"), str) and message["text"].strip():
        parts.append(to_plain(message["text"]).strip())
    choices = [t for t in button_titles(message.get("buttons") or message.get("quick_replies") or []) if t]
    if choices:
        parts.append("You can answer: " + " / ".join(choices))
    kind = known_payload(message.get("custom"))
    if kind == "assessment":
        parts.append(to_plain(assessment_summary(message["custom"]["assessment"])))
    elif kind == "doctor_summary":
        summary = doctor_summary(message["custom"]["doctor_summary"])
        if summary:
            parts.append("Summary for your doctor:\n\n" + summary["text"])
    return "\n\n".join(parts)


# --- notices (what a channel says when a message does not start a turn) ----------------------
NOTICES = {
    "edited": (
        "I read each message once, so editing it doesn't change what I have. If something is "
        "different, please send it as a new message."
    ),
    "unsupported": "I can only read typed text, so I couldn't use that. Please tell me in words.",
    "group": (
        "To keep health details private, I only talk in a private chat, not in groups. "
        "Please open a private chat with me{link}."
    ),
    # Slack: posted in the channel's thread. Nothing about health: others read it.
    "moved_to_dm": "I'll continue in a direct message, so that what you tell me stays private.",
    "dm_intro": (
        "You mentioned me in a channel, so I'm answering here, in a direct message: I don't "
        "discuss health in shared channels."
    ),
    "dm_unavailable": (
        "I only help in a direct message, so that what you tell me stays private. Please write to "
        "me from my Messages tab."
    ),
}
# Notices posted where others may read them never carry health advice.
SHARED_NOTICES = ("moved_to_dm", "dm_unavailable")


def notice(kind: str, telegram_bot: Optional[str] = None) -> str:
    """A channel notice; private ones end with the emergency number, as every answer does."""
    link = f": https://t.me/{telegram_bot}" if telegram_bot else ""
    text = NOTICES[kind].format(link=link)
    if kind in SHARED_NOTICES:
        return text
    try:
        from actions.render import emergency_number

        number = emergency_number()
    except Exception:  # the notice must go out even without the knowledge base
        logger.debug("emergency number not available for a channel notice", exc_info=True)
        number = "your local emergency number"
    return f"{text} If you feel very unwell, call {number} now."
