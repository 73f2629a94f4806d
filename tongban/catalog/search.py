"""Search tokens for Chinese: jieba search-mode words, character bigrams, pinyin initials.

Chinese has no spaces, so a plain ``LIKE`` neither finds 营业执照 for 执照 reliably nor lets
someone type gtgsh for 个体工商户. Each service's name, aliases and guide text become rows in
a token table (``SearchToken``); a query becomes tokens the same way and matches by index.
jieba loads its dictionary (about a second) once per process, on first use.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

from pypinyin import Style, lazy_pinyin

logger = logging.getLogger(__name__)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]+")
LATIN = re.compile(r"[a-z0-9]+")
TOKEN_MAX_LENGTH = 64

_jieba_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _jieba_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _bigrams(run: str) -> Iterable[str]:
    if len(run) == 1:
        yield run
    for index in range(len(run) - 1):
        yield run[index : index + 2]


def initials(text: str) -> str:
    """Pinyin initials of the Chinese characters of ``text``: 个体工商户 → gtgsh."""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letters).lower()


def text_tokens(text: str) -> set[str]:
    """Words and bigrams of guide text (no pinyin: initials of prose match too much)."""
    text = normalize(text)
    tokens: set[str] = set()
    for run in CJK.findall(text):
        tokens.update(_bigrams(run))
        tokens.update(word for word in _jieba().cut_for_search(run) if len(word) > 1)
    tokens.update(word for word in LATIN.findall(text) if len(word) > 1)
    return {token[:TOKEN_MAX_LENGTH] for token in tokens}


def name_tokens(name: str) -> set[str]:
    """A name's tokens: its text tokens, single characters, and pinyin initials of each word."""
    text = normalize(name)
    tokens = text_tokens(text)
    for run in CJK.findall(text):
        tokens.update(run)
        # Initials of every run of up to four consecutive words: 个体 + 工商户 → gtgsh.
        words = list(_jieba().cut(run))
        for start in range(len(words)):
            for end in range(start + 1, min(start + 4, len(words)) + 1):
                piece = "".join(words[start:end])
                if len(piece) > 1:
                    tokens.add("py:" + initials(piece)[:TOKEN_MAX_LENGTH])
        tokens.add("py:" + initials(run)[:TOKEN_MAX_LENGTH])
    return tokens


def query_tokens(query: str) -> tuple[list[str], list[str]]:
    """The tokens a query must all match, and the pinyin-initials alternatives.

    Chinese runs give their bigrams (a single character: itself), so 执照 requires the bigram
    执照; Latin letters are tried both as a word and as pinyin initials.
    """
    text = normalize(query)
    required: list[str] = []
    for run in CJK.findall(text):
        required.extend(dict.fromkeys(_bigrams(run)))
    latin = LATIN.findall(text)
    return list(dict.fromkeys(required)), latin


def warm_up() -> None:
    """Loads jieba's dictionary now (at start-up of a web process), not in the first request."""
    _jieba()
