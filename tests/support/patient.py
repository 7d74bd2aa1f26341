"""A scripted patient: answers whatever the bot asks next (the tracker's requested_slot)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from tests.support.stack import Stack


@dataclass
class Consultation:
    sender: str
    replies: List[List[dict]] = field(default_factory=list)
    questions_asked: List[str] = field(default_factory=list)
    tracker: Optional[dict] = None

    @property
    def slots(self) -> Dict:
        return (self.tracker or {}).get("slots", {})

    @property
    def assessment(self) -> Optional[dict]:
        for reply in reversed(self.replies):
            for message in reply:
                payload = message.get("custom") or {}
                if "assessment" in payload:
                    return payload["assessment"]
        return None

    def all_text(self) -> str:
        return "\n".join(m.get("text") or "" for reply in self.replies for m in reply)


def consult(stack: Stack, sender: str, opening: str, answers: Dict[str, str], max_turns: int = 16) -> Consultation:
    """Open with `opening`, then answer each requested slot from `answers` ("I'm not sure" if absent)."""
    result = Consultation(sender=sender)
    result.replies.append(stack.say(sender, opening))
    for _ in range(max_turns):
        result.tracker = stack.tracker(sender)
        slot = result.slots.get("requested_slot")
        active = (result.tracker.get("active_loop") or {}).get("name")
        if not slot or not active:
            break
        result.questions_asked.append(slot)
        result.replies.append(stack.say(sender, answers.get(slot, "I'm not sure")))
    result.tracker = stack.tracker(sender)
    return result
