"""Names and MRNs as the directory matches them: words folded to plain lower-case letters
(Unicode NFKD, combining marks removed, case folded, "Æ" → "ae", "ß" → "ss"), and the
prefixes of two or more letters of each word, which the blind index holds keyed-hashed."""

from __future__ import annotations

import re
import unicodedata

FOLDED = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l",
                        "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "n", "ß": "ss",
                        "ſ": "s", "ĳ": "ij"})
"""Letters that carry no combining mark to drop, folded as a clinic's staff would type them."""
APOSTROPHES = re.compile("['’ʼ`]")
WORD = re.compile(r"[^\W_]+")
DASHES_AND_SPACES = re.compile(r"[\s\u2010-\u2015\u2212\-]+")
MOST_QUERY_WORDS = 8


def folded(text: str) -> str:
    """Lower-case letters without accents: "Ægirsdóttir" → "aegirsdottir"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return APOSTROPHES.sub("", bare.translate(FOLDED))


def words(text: str) -> list[str]:
    """The words of a name, folded; dashes, spaces and other marks separate them."""
    return WORD.findall(folded(text))


def name_tokens(name: str) -> set[str]:
    """What finds the name: each of its words, and each word's prefixes of two or more
    letters ("okonkwo" → "ok", "oko", …, "okonkwo")."""
    return {word[:end] for word in words(name)
            for end in range(min(2, len(word)), len(word) + 1)}


def query_words(query: str) -> list[str]:
    """The distinct words of a search, longest (most telling) first; each must match."""
    found = sorted(set(words(query)), key=lambda word: (-len(word), word))
    return found[:MOST_QUERY_WORDS]


def mrn_key(mrn: str) -> str:
    """An MRN as it is matched: Unicode NFKC, case folded, no spaces or dashes."""
    return DASHES_AND_SPACES.sub("", unicodedata.normalize("NFKC", mrn).casefold())
