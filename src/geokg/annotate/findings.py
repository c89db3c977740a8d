"""Candidate findings: sentences that state a result rather than a method or an aim."""

from __future__ import annotations

import re

_EN_CUES = re.compile(
    r"\b(we (find|found|show|showed|demonstrate|reveal|conclude|estimate)|(results?|analys[ie]s|data|simulations?) "
    r"(show|shows|showed|indicate|indicates|suggest|suggests|reveal|reveals|imply|implies)|(show|indicate|suggest|reveal)s? that"
    r"|is (driven|controlled|dominated) by|increase[sd]? by|decrease[sd]? by|accounts? for|explains?)\b",
    re.IGNORECASE,
)
_ZH_CUES = re.compile(r"(结果表明|研究表明|结果显示|发现|表明|揭示|证实|显示|说明|导致|主导|显著(增加|减少|升高|降低|相关)|结论)")
_AIM_CUES = re.compile(r"(\b(we (use|used|apply|applied|develop|developed|train|trained)|aims? to|in order to)\b|旨在|为了|采用|利用|使用)", re.IGNORECASE)


def finding_score(sentence: str, section: str) -> float:
    """How likely the sentence states a result (0 when it does not look like one)."""
    cue = bool(_EN_CUES.search(sentence) or _ZH_CUES.search(sentence))
    if not cue and "conclusion" not in section:
        return 0.0
    score = 0.5 + (0.25 if cue else 0.0) + (0.15 if "conclusion" in section or "abstract" in section else 0.0)
    if _AIM_CUES.search(sentence):
        score -= 0.25
    if len(sentence) < 15:
        score -= 0.2
    return round(max(score, 0.0), 2)
