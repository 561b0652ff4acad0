"""Classes of accusation found by their grammar, not by a list of whole sentences: a judgement
after "you're (being) (so)", a comparison to their family, a command about who they are, a
leading dismissal, sarcasm, mind-reading, blame and contempt built around "you".

Each finder returns the words that raised it and an I-statement, or None. Praise and feelings
in the same slots ("you're so patient", "you're really tired") are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Found = tuple[str, str] | None  # (words as written, rewording)

# Said of someone, these judge who they are. A general list of traits, grouped by sense;
# words built as un-/in-/ir-...-able and -less are judged by their shape (see _judging).
_TRAITS = {
    "I feel alone with this, and I'd like you to think about what I need too.": (
        "selfish", "self-centred", "self-centered", "spoiled", "spoilt", "greedy", "entitled",
        "arrogant", "vain", "full of yourself", "ungrateful"),
    "I see this differently, and I'd like to understand how you see it.": (
        "ridiculous", "crazy", "insane", "irrational", "unreasonable", "absurd", "paranoid",
        "delusional", "hysterical", "dramatic", "impossible", "difficult", "stubborn",
        "pigheaded", "closed-minded", "narrow-minded", "petty", "negative", "touchy",
        "oversensitive", "sensitive", "defensive", "overdramatic", "illogical"),
    "I felt hurt by what was said, and I'd like us to be kinder.": (
        "mean", "cruel", "nasty", "rude", "harsh", "vicious", "spiteful", "bitter", "hostile",
        "aggressive", "passive-aggressive", "condescending", "patronising", "patronizing",
        "cold", "heartless", "insensitive", "manipulative", "toxic", "abusive", "fake",
        "dishonest", "sneaky", "two-faced", "controlling", "jealous", "possessive", "bossy"),
    "I feel let down, and I'd like us to find what would help.": (
        "lazy", "useless", "hopeless", "pathetic", "incompetent", "careless", "clueless",
        "irresponsible", "unreliable", "immature", "childish", "weak", "spineless", "stupid",
        "dumb", "thick", "annoying", "boring", "unbearable", "exhausting", "embarrassing",
        "disgusting", "unbelievable", "inconsiderate", "thoughtless", "unfair", "the problem",
        "the worst"),
}  # fmt: skip
TRAITS = {word: rewording for rewording, words in _TRAITS.items() for word in words}
_TRAIT_WORDS = "|".join(sorted((re.escape(w) for w in TRAITS), key=len, reverse=True))

# Praise, care and plain feelings share the judgement slots: "you're so patient".
_PRAISE = re.compile(
    r"\b(good|great|kind|kinder|sweet|patient|generous|lovely|wonderful|amazing|brilliant|"
    r"beautiful|funny|smart|clever|brave|strong|right|important|special|loved|precious|"
    r"helpful|supportive|thoughtful|caring|gentle|honest|fair|calm|incredible|loving|"
    r"best|dear|welcome|safe|forgiven|missed|appreciated|worth|enough|trying|doing|working|"
    r"tired|busy|stressed|hurt|sad|upset|scared|worried|anxious|exhausted|overwhelmed|"
    r"sick|unwell|hurting|struggling|grieving|lonely|home|here|back|ready|not|my|our|better|"
    r"much|more|far|understanding|interesting|inspiring|independent|intelligent|innocent|"
    r"invaluable|irresistible|impressive|unselfish|unique|informed|involved|interested)\b",
    re.I,
)
_NEGATIVE_SHAPE = re.compile(
    r"^(?:(?:un|in|im|ir|il|dis)\w{3,}(?:able|ible|ful|ive|ate|ent|ant|ous|ure|al|ed|ing)|"
    r"\w{3,}less|\w{3,}ish)$"
)
_INTENSE = (r"(?:so|such|completely|totally|really|just|too|incredibly|utterly|absolutely|"
            r"ridiculously|unbelievably|extremely|very|way too|pretty|being|acting|getting|"
            r"always|honestly|seriously|literally|simply|the most)")  # fmt: skip
# Only these mark any word after them as a judgement; "so" or "really" alone may be kind.
_MARKED = re.compile(
    r"\b(?:being|acting|such|completely|totally|utterly|absolutely|"
    r"ridiculously|unbelievably|the most)\b"
)
_ADJECTIVE = re.compile(
    r"^(?!(?:a|an|the|on|in|at|so|as|too|much|more|far|still|also|late|"
    r"early|away|off|out|up|down|over|better|worse)$)[a-z][\w'-]+$"
)
_YOU_ARE = r"\b(?:you're|you are|youre|you're\s+not\s+just|you\s+sound|you\s+seem)"
_GENERAL_LABEL = (
    "I'm upset about what happened, and I'd like to talk about that, not about who we are."
)


def _judging(word: str) -> str | None:
    """The rewording when this word judges a person, by list or by its shape."""
    word = word.lower()
    if word in TRAITS:
        return TRAITS[word]
    if _PRAISE.fullmatch(word):
        return None
    return _GENERAL_LABEL if _NEGATIVE_SHAPE.match(word) else None


def judgement(low: str) -> Found:
    """You're (being) (so|completely|just...) <judgement>: an intensifier or 'being' marks it
    as a judgement whatever the adjective, unless it is praise or a feeling."""
    for m in re.finditer(rf"{_YOU_ARE}((?:\s+{_INTENSE})*)\s+(?:an?\s+)?([\w'-]+)", low):
        word = m.group(2)
        if multi := re.match(rf"({_TRAIT_WORDS})\b", low[m.start(2) :]):
            return m.group(0)[: m.start(2) - m.start()] + multi.group(1), TRAITS[multi.group(1)]
        rewording = _judging(word)
        marked = _MARKED.search(m.group(1)) and _ADJECTIVE.match(word)
        if rewording is None and marked and not _PRAISE.fullmatch(word):
            # "You're being petty", "you're completely X": marked, though not a known word.
            rewording = _GENERAL_LABEL
        if rewording is not None and not _PRAISE.search(low[m.end() : m.end() + 12]):
            return m.group(0), rewording
    return None


_RELATIVE = (r"(?:mother|mom|mum|father|dad|sister|brother|parents|family|ex|grandmother|"
             r"grandfather|grandma|grandpa|uncle|aunt|cousin|friends|boss)")  # fmt: skip


def comparison(low: str) -> Found:
    """'You're just like your father', 'you sound like your mother', 'turning into your sister'."""
    m = re.search(rf"\byou(?:'re|\s+are)?\b[^.;!?]{{0,30}}?\b(?:like|into|as bad as)\s+"
                  rf"(?:your|ur)\s+(?:own\s+)?{_RELATIVE}\b", low)  # fmt: skip
    if m and not re.search(r"\b(?:love|loved|proud|reminded|laugh|smile|kind)\b", low):
        return m.group(0), "I'm hurt by what happened, and I'd like us to talk about it, just us."
    return None


_CHARACTER_VERB = (r"(?:being|acting|getting|playing|pretending|whining|nagging|complaining|"
                   r"sulking|moaning|exaggerating|lying|overreact\w*|over\w+ing)")  # fmt: skip


def command(low: str) -> Found:
    """Commands about who they are: 'stop being so', 'quit acting like', 'don't be so'."""
    start = r"(?:^|[,;:]\s*|\b(?:just|please|oh|now|and)\s+)"
    m = re.search(rf"{start}(?:stop|quit|enough)\s+{_CHARACTER_VERB}\b", low) or re.search(
        rf"{start}(?:don't|do not|dont)\s+be\s+(?:so|such|an?|that|this|ridiculous|"
        rf"{_TRAIT_WORDS})\b", low)  # fmt: skip
    if m:
        return m.group(0).strip(" ,;:"), "I'd like us both to slow down so I can hear you."
    return None


_DISMISSIVE_IDIOMS = (r"calm down|get over it|get over yourself|grow up|relax|chill out|"
                      r"man up|toughen up|lighten up|get a grip|snap out of it|deal with it|"
                      r"give it a rest|get a life|cry me a river|boo hoo|big deal|so what|"
                      r"who cares|not my problem|here we go again")  # fmt: skip


def dismissal(low: str) -> Found:
    """'Whatever' leading a sentence or to what they say; the usual brush-offs."""
    m = re.search(r"(?:^|[,.;!]\s*|\b(?:fine|ok|okay|yeah|sure|oh)\b,?\s+)whatever"
                  r"(?=\s*[,.;!?]|\s*$|\s+you\s+(?:say|want|think|like|wish)\b)", low)  # fmt: skip
    if m:
        return m.group(0).strip(" ,.;!"), "I'm too upset to answer well right now. I need a moment."
    m = re.search(rf"\b(?:{_DISMISSIVE_IDIOMS})\b", low) or re.search(
        r"^i (?:just )?don't (?:even )?care(?: anymore| any more| at all)?\s*[.!]*$", low
    )
    if m:
        return m.group(0), "I'd like us both to take a breath, and then talk."
    return None


def sarcasm(low: str) -> Found:
    """Praise that means its opposite: 'Oh great, another...', 'Nice of you to finally...'."""
    m = (re.search(r"^(?:oh,?\s+|well,?\s+|wow,?\s+)(?:great|wonderful|perfect|brilliant|"
                   r"fantastic|lovely)\b", low)
         or re.search(r"^(?:how |so |real(?:ly)? )?(?:nice|kind|good|thoughtful|generous|sweet)"
                      r" of you to\b", low)
         or re.search(r"\bthanks?(?: you)?(?: a lot| so much)? for (?:nothing|ruin\w*|"
                      r"spoil\w*|wreck\w*)\b", low)
         or re.search(r"\banother (?:brilliant|great|genius|wonderful|fantastic|perfect) "
                      r"(?:idea|plan|move|decision)\b", low))  # fmt: skip
    if m and not re.search(r"\b(?:meant a lot|thank you|appreciate|grateful)\b", low):
        return m.group(0), "I'm frustrated, and I'd rather say so plainly."
    return None


def mind_reading(low: str) -> Found:
    """Telling them what they want or feel: 'you just want to win', 'you don't really care'."""
    m = re.search(r"\byou\s+(?:just|only|obviously|clearly|secretly|simply)\s+(?:want|wanted|"
                  r"like|love|need|care about|enjoy|do it|say that|think about)\b", low) or (
        re.search(r"\byou\s+(?:obviously|clearly|really|actually|even)?\s*(?:don't|do not|"
                  r"never)\s+(?:really\s+|actually\s+|even\s+)?(?:cared?|loved?|respected|respect|"
                  r"valued?|wanted|want|meant|mean|give a)\b", low))  # fmt: skip
    kind = r"\b(?:help|protect|support|care for|make (?:me|us|things) (?:happy|better)|fix)"
    if m and not re.search(rf"^(?:do|did|would|will|can|could)\s+you\b|\?\s*$|{kind}", low):
        return m.group(0), "I'm not sure what you want, and I'd like to ask rather than guess."
    return None


def blame(low: str) -> Found:
    """Blame shaped around 'you': on you, the reason, if you hadn't, thanks to you."""
    m = (re.search(r"\b(?:all|this is|that's|it's)\s+(?:all\s+)?on you\b", low)
         or re.search(r"\b(?:you're|you are) the (?:reason|problem|cause|one who)\b", low)
         or re.search(r"\bif (?:you|it weren't for you)\b[^.]*?\b(?:hadn't|had not|had just|"
                      r"had only|would just|would only|wouldn't|none of this|we wouldn't|"
                      r"i wouldn't)\b", low)
         or re.search(r"\b(?:thanks to|all because of) you\b", low))  # fmt: skip
    if m:
        return m.group(0), "I'd like us to look at what each of us did, me too."
    return None


def contempt(low: str) -> Found:
    """Sweeping verdicts: 'you ruin every...', 'you can't do anything right', 'nobody could'."""
    m = (re.search(r"\byou\s+(?:always\s+)?(?:ruin|spoil|wreck|destroy|mess up|screw up|make|"
                   r"turn|take over)\s+(?:every|everything|all|anything)\b", low)
         or re.search(r"\byou\s+(?:can't|cannot|can never|never)\s+(?:do|get|say|make)\s+"
                      r"(?:anything|one thing|a single thing)\b", low)
         or re.search(r"\b(?:every|each)\s+(?:single\s+)?time\b[^.]*\byou\b", low)
         or re.search(r"\b(?:nobody|no one|no-one)\s+(?:could|can|would|will)\b[^.]*\byou\b",
                      low))  # fmt: skip
    if m and not re.search(r"\b(?:love|laugh|smile|happy|better|thank|helps? me|helped me)\b", low):
        return m.group(0), "I'm hurt, and I'd like us to talk about this one time, not all of them."
    return None


FINDERS: tuple[tuple[str, Callable[[str], Found]], ...] = (
    ("label", judgement),
    ("comparison", comparison),
    ("command", command),
    ("dismissal", dismissal),
    ("sarcasm", sarcasm),
    ("mind-reading", mind_reading),
    ("blame", blame),
    ("absolute", contempt),
)
