"""HeadEase clinical core: pure Python, no Rasa imports (clinical reference sections 3-6)."""
from .assessment import Assessment
from .engine import assess
from .findings import Findings
from .kb import load_knowledge

__all__ = ["assess", "Findings", "Assessment", "load_knowledge"]
