"""Labelled NLU examples (intent, plain text) read from Rasa YAML files, entity markup removed."""
import re
from pathlib import Path
from typing import Iterable, Iterator, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def training_files() -> List[Path]:
    return sorted((ROOT / "data" / "nlu").glob("*.yml"))


def held_out_files() -> List[Path]:
    return sorted((ROOT / "tests" / "nlu").glob("holdout*.yml"))


def labelled_examples(paths: Iterable[Path]) -> Iterator[Tuple[str, str]]:
    """(intent, text) for every example in ``paths``."""
    for path in paths:
        for block in (yaml.safe_load(Path(path).read_text()) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield block["intent"], _MARKUP.sub(r"\1", line[2:])
