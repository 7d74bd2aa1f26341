"""Draft pronunciations for words CMUdict lacks, from espeak-ng's US English phonemes (IPA) mapped
to pocketsphinx's phone set. A tool for whoever maintains kiosk/pronunciations.dict: its output is
checked by hand and committed there (the build never guesses a pronunciation at run time).

    python -m kiosk.g2p amlodipine metformin ...          # prints dictionary lines
    python -m kiosk.g2p --missing build/kiosk/oov.txt --min 3   # the build's skipped words
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional

# Longest symbols first.
IPA = [
    ("aɪə", "AY ER"), ("aɪ", "AY"), ("aʊ", "AW"), ("eɪ", "EY"), ("oʊ", "OW"), ("ɔɪ", "OY"), ("əʊ", "OW"),
    ("tʃ", "CH"), ("dʒ", "JH"), ("ɪɹ", "IH R"), ("ɛɹ", "EH R"), ("ʊɹ", "UH R"), ("ɑːɹ", "AA R"), ("ɔːɹ", "AO R"),
    ("oːɹ", "AO R"), ("iə", "IY AH"), ("ɚ", "ER"), ("ɜː", "ER"), ("ɝ", "ER"), ("ɑː", "AA"), ("ɔː", "AO"),
    ("oː", "AO"), ("iː", "IY"), ("uː", "UW"), ("æ", "AE"), ("ɑ", "AA"), ("ɒ", "AA"), ("ɔ", "AO"), ("ə", "AH"),
    ("ɐ", "AH"), ("ʌ", "AH"), ("ɛ", "EH"), ("e", "EH"), ("ɪ", "IH"), ("ᵻ", "IH"), ("i", "IY"), ("ʊ", "UH"),
    ("u", "UW"), ("o", "OW"), ("a", "AA"), ("p", "P"), ("b", "B"), ("t", "T"), ("d", "D"), ("k", "K"),
    ("ɡ", "G"), ("g", "G"), ("f", "F"), ("v", "V"), ("θ", "TH"), ("ð", "DH"), ("s", "S"), ("z", "Z"),
    ("ʃ", "SH"), ("ʒ", "ZH"), ("h", "HH"), ("m", "M"), ("n", "N"), ("ŋ", "NG"), ("l", "L"), ("ɫ", "L"),
    ("ɹ", "R"), ("r", "R"), ("j", "Y"), ("w", "W"), ("ɾ", "T"), ("ʔ", "T"), ("x", "K"), ("ç", "HH"),
]
IGNORED = set("ˈˌː̩ -_.‍")


def ipa_to_arpabet(ipa: str) -> Optional[str]:
    phones: List[str] = []
    i = 0
    while i < len(ipa):
        if ipa[i] in IGNORED:
            i += 1
            continue
        for symbol, arpabet in IPA:
            if ipa.startswith(symbol, i):
                phones.append(arpabet)
                i += len(symbol)
                break
        else:
            return None
    return " ".join(phones) or None


def espeak_ipa(word: str) -> str:
    result = subprocess.run(["espeak-ng", "-q", "--ipa", "-v", "en-us", word], capture_output=True, text=True)
    return result.stdout.strip()


def pronunciations(words: Iterable[str]) -> List[str]:
    lines = []
    for word in words:
        phones = ipa_to_arpabet(espeak_ipa(word))
        lines.append(f"{word} {phones}" if phones else f"# {word}: no mapping")
    return lines


def main(argv: Iterable[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*")
    parser.add_argument("--missing", type=Path, help="a build's oov.txt (word TAB count)")
    parser.add_argument("--min", type=int, default=2)
    args = parser.parse_args(argv)
    words = list(args.words)
    if args.missing:
        for line in args.missing.read_text().splitlines():
            word, count = line.split("\t")
            if int(count) >= args.min:
                words.append(word)
    print("\n".join(pronunciations(words)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
