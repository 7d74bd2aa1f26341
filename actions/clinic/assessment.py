"""The engine's output: what the bot tells the user and what the `assessment` payload carries."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class RedFlagHit:
    id: str  # rf_* id from the clinical reference 4.2
    level: str  # triage level this flag raises
    uncertain: bool = False  # raised because an answer was "not sure"


@dataclass
class TechniqueAdvice:
    id: str  # technique id
    why: str  # one line, lay wording, tailored to the findings
    caveat: Optional[str] = None  # evidence or safety caveat to show with it


@dataclass
class RuledOut:
    id: str  # technique id
    reason: str  # lay wording, names the contraindication


@dataclass
class Assessment:
    headache_type: str  # one of findings.HEADACHE_TYPES
    confidence: str  # "likely", "probable" or "low"
    type_features: List[str]  # features that drove the type, lay wording
    triage_level: str  # one of findings.TRIAGE_LEVELS
    red_flags: List[RedFlagHit] = field(default_factory=list)
    recommended_techniques: List[TechniqueAdvice] = field(default_factory=list)
    ruled_out: List[RuledOut] = field(default_factory=list)
    reasons: List[str] = field(default_factory=list)  # why this type and triage, lay wording
    doctor_advice: str = ""  # what to do now / when to see a doctor
    background_type: Optional[str] = None  # e.g. migraine under medication_overuse
    subtype: Optional[str] = None  # e.g. "frequent episodic", "with aura"
    candidate_types: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)  # medication-overuse warning, diary advice...
    disclaimer: str = ""

    @property
    def technique_ids(self) -> List[str]:
        return [t.id for t in self.recommended_techniques]

    @property
    def red_flag_ids(self) -> List[str]:
        return [r.id for r in self.red_flags]

    def warning_signs(self) -> List[str]:
        """The red flags found, in the reference's lay words (never a raw id on screen)."""
        from .kb import load_knowledge  # kb imports this module's types

        kb = load_knowledge()
        return [kb.red_flag_info(rf_id)["finding"] for rf_id in self.red_flag_ids]

    def to_payload(self) -> Dict[str, Any]:
        """The `{"assessment": {...}}` custom payload contract (foundation issue)."""
        return {
            "headache_type": self.headache_type,
            "confidence": self.confidence,
            "triage_level": self.triage_level,
            "recommended_techniques": self.technique_ids,
            "technique_reasons": {t.id: t.why for t in self.recommended_techniques},
            "ruled_out": {r.id: r.reason for r in self.ruled_out},
            "red_flags": self.red_flag_ids,
            "warning_signs": self.warning_signs(),
            "reasons": list(self.reasons),
            "doctor_advice": self.doctor_advice,
            "background_type": self.background_type,
            "notes": list(self.notes),
            "disclaimer": self.disclaimer,
        }
