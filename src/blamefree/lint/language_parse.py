"""Who did what in a sentence: verb forms by lemma, and whether a subject is a person or a team."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Literal

from blamefree.lint import language_words as words
from blamefree.lint.language_text import Token

Kind = Literal["person", "team", "we", "system"]

_PREPOSITIONS = frozenset({"on", "from", "in", "of", "at", "with", "to", "for"})
_MODIFIER_STOP = words.DETERMINERS | words.CLAUSE_BREAKS | {"the", "."}
_NOT_NAME_PARTS = words.FUNCTION_WORDS | words.SUBJECT_SKIP | words.TIME_WORDS


@cache
def verb_lemmas() -> dict[str, str]:
    """Every inflected form of the verbs the rules care about, mapped to its lemma."""
    # Imported late: lemminflect loads its tables on first use.
    from lemminflect import getAllInflections, getAllInflectionsOOV

    lemmas = (
        words.FAILURE_VERBS
        | frozenset(words.PARTICLE_FAILURES)
        | words.NEGLIGENCE_VERBS
        | words.ACTION_VERBS
        | words.DILIGENCE_VERBS
        | words.CLEFT_VERBS
        | words.OWNED_IMPACT_VERBS
        | {"make", "fail", "neglect", "drop"}
    )
    forms: dict[str, str] = {}
    for lemma in sorted(lemmas):
        forms[lemma] = lemma
        # Verbs outside the lexicon ("misconfigure") get the regular forms.
        table = getAllInflections(lemma, upos="VERB") or getAllInflectionsOOV(lemma, "VERB")
        for inflected in table.values():
            for form in inflected:
                forms.setdefault(form.lower(), lemma)
    return forms


@lru_cache(maxsize=8192)
def verb_forms_of(word: str) -> tuple[str, ...]:
    """The verb lemmas `word` can be a form of (empty when it cannot be a verb)."""
    from lemminflect import getAllLemmas

    found: tuple[str, ...] = getAllLemmas(word, upos="VERB").get("VERB", ())
    if not found and word.startswith("re-") and len(word) > 4:
        return verb_forms_of(word[3:])  # "re-ran", "re-applied": the verb done again
    return found


def verb_lemma(word: str) -> str | None:
    """The lemma of a verb the rules care about, for `word` or its "re-" form ("re-ran")."""
    lemmas = verb_lemmas()
    found = lemmas.get(word)
    if found is None and word.startswith("re-"):
        return lemmas.get(word[3:])
    return found


@lru_cache(maxsize=8192)
def is_english_word(word: str) -> bool:
    """True when lemminflect's lexicon knows `word` as any part of speech (names it does not)."""
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word))


def is_base_verb(word: str) -> bool:
    """True when `word` is the bare form of a verb ("restart", "read"), as in "just restart"."""
    return word in verb_forms_of(word)


def can_be_verb(word: str) -> bool:
    """True when `word` is some form of a verb."""
    return bool(verb_forms_of(word))


class Clause:
    """Token-level questions about one sentence, with the config's allowed names applied."""

    def __init__(self, tokens: Sequence[Token], allowed: frozenset[str]) -> None:
        self.tokens = tokens
        self.allowed = allowed
        self.lows = [token.low for token in tokens]
        self.present = set(self.lows)  # for the rules' quick "could this sentence match?"
        self.joined = " ".join(self.lows)
        self._padded = ["", "", "", "", "", "", *self.lows, "", "", "", "", "", "", ""]

    def low(self, index: int) -> str:
        """The lower-cased token at `index`, or "" outside the sentence."""
        if -6 <= index < len(self.tokens) + 6:
            return self._padded[index + 6]
        return ""

    def is_initial(self, index: int) -> bool:
        """True when the token starts the sentence or follows a label, bracket or time."""
        if index == 0:
            return True
        before = self.tokens[index - 1].text
        return before in {":", "(", ";"} or before[0].isdigit()

    def kind(self, index: int) -> Kind | None:
        """What the token at `index` names when it heads a noun phrase."""
        if not 0 <= index < len(self.tokens):
            return None
        token = self.tokens[index]
        low = token.low
        if not (low[:1].isalnum() or low[:1] in "@_"):
            return None
        if low in words.FUNCTION_WORDS:
            return None
        if low in self.allowed:
            return "system"
        if low.startswith("@"):
            return "person"
        if low in {"we", "us"}:
            return "we"
        if low in words.PERSON_PRONOUNS or low in {"nobody", "no-one"}:
            return "person"
        if low == "one" and self.low(index - 1) == "no":
            return "person"
        if low in words.TEAM_HEADS:
            before = self.low(index - 1)
            if before and before not in _MODIFIER_STOP:
                return "team"
            return "we" if low in {"team", "teams"} else "system"
        if low in words.TEAM_WORDS or (token.capitalised and low in words.TEAM_CAPITALISED):
            return "team"
        if low in words.PERSON_NOUNS:
            return "person"
        if low in words.SYSTEM_WORDS:
            return "system"
        if token.capitalised and low in words.FIRST_NAMES:
            return "person"
        if token.capitalised and self._product_name(index):
            return "system"  # "the Identity Service crashed", "Payments Gateway broke"
        text = token.text
        if token.possessive:
            text = text[:-2] if text[-2:] in {"'s", "’s"} else text[:-1]
        looks_like_name = text.isalpha() and len(text) > 1 and text[1:].islower()
        # "at 09:12 Grace's bad merge": a possessive after a time or label is a name, not the
        # capitalised first word of a timeline entry.
        owned = index > 0 and token.possessive and token.text[-2:] in {"'s", "’s"}
        unknown = not self.is_initial(index) or owned or not is_english_word(low)
        if token.capitalised and looks_like_name and unknown:
            return "person"  # "after that, Dave broke"; "Karthik took down"
        if low in words.ARTIFACT_NOUNS:
            owner, _ = self.owner(index)
            if owner is not None:
                return owner
        return "system"

    def _product_name(self, index: int) -> bool:
        """Whether the capitalised word at `index` belongs to a product or component name.

        Its run of capitalised words names a system when one of them is a component noun
        ("Service", "Gateway", "Run") or a known system, or when it is two or more everyday
        words ("Data Pipeline"); a run with a first name in it ("Dave Smith") is a person.
        """
        first = last = index
        while first > 0 and self._name_part(first - 1):
            first -= 1
        while last + 1 < len(self.tokens) and self._name_part(last + 1):
            last += 1
        names = [self.tokens[at].low for at in range(first, last + 1)]
        if any(name in words.FIRST_NAMES for name in names):
            return False
        if any(name in words.SYSTEM_HEADS or name in words.PRODUCT_WORDS for name in names):
            return True  # "Identity Service", "Kafka Connect"
        # "Then Will broke", "In March Ivana ...": a capitalised first word is not a name part.
        names = [name for name in names if name not in _NOT_NAME_PARTS]
        return len(names) > 1 and all(is_english_word(name) for name in names)

    def _name_part(self, index: int) -> bool:
        token = self.tokens[index]
        return token.capitalised and token.text[:1].isalpha() and not token.possessive

    def owner(self, index: int) -> tuple[Kind | None, int]:
        """The person or team whose artifact this is: "Dave's bad change", "their script"."""
        for back in range(index - 1, max(index - 4, -1), -1):
            token = self.tokens[back]
            if token.low in {"his", "her", "their"}:
                return "person", back
            if token.possessive:
                kind = self.kind(back)
                return (kind, back) if kind in {"person", "team"} else (None, index)
            if token.low in _MODIFIER_STOP:
                break
        return None, index

    def subject(self, verb: int) -> tuple[Kind | None, int]:
        """The kind and index of the subject of the verb at `verb` (walking left)."""
        index = verb - 1
        while index >= 0 and self.tokens[index].low in words.SUBJECT_SKIP:
            index -= 1
        if index < 0 or self.tokens[index].low in words.CLAUSE_BREAKS:
            return None, index
        if self.tokens[index].low == "who" and index > 0:
            index -= 1
        if self.tokens[index].low == "what" and self.low(index - 1) in {"is", "was"}:
            return self.subject(index - 1)  # "Ana's typo ... is what brought the site down"
        kind = self.kind(index)
        if kind in {"person", "team"} and self.tokens[index].low in words.ARTIFACT_NOUNS:
            return self.owner(index)  # the span starts at "@sam's" in "@sam's change broke"
        if kind in {"person", "team", "we"}:
            return kind, index
        # "Someone on the night shift missed", "Ana's typo in the routing table caused".
        for back in range(index - 1, max(index - 9, -1), -1):
            low = self.tokens[back].low
            if low in words.CLAUSE_BREAKS or low in {".", "!", "?"}:
                break
            after = self.low(back + 1)
            possessive = self.tokens[back].possessive and after in words.ARTIFACT_NOUNS
            if after in _PREPOSITIONS or after.endswith("ing") or possessive:
                found = self.kind(back)
                if found in {"person", "team"} and self.tokens[back].low in words.ARTIFACT_NOUNS:
                    return self.owner(back)  # start the span at the owner, "Marco's typo"
                if found in {"person", "team"}:
                    return found, back
        return kind, index

    def agent(self, by: int) -> tuple[Kind | None, int]:
        """The kind of the noun phrase after "by" at `by`: "by Priya", "by the DBA team"."""
        found: Kind | None = None
        where = by
        for index in range(by + 1, min(by + 5, len(self.tokens))):
            low = self.tokens[index].low
            if low in words.CLAUSE_BREAKS or low in {".", "?", "!"}:
                break
            if low in words.DETERMINERS:
                continue
            kind = self.kind(index)
            if kind in {"person", "team"}:
                found, where = kind, index
                if kind == "team" or self.tokens[index].possessive:
                    continue  # "the networking team's change": keep reading the phrase
                break
            capitalised = self.tokens[index].capitalised
            if kind == "system" and found is None and not capitalised:
                team_words = words.TEAM_HEADS | words.TEAM_WORDS  # "the release engineering team"
                if_team_follows = bool({self.low(index + 1), self.low(index + 2)} & team_words)
                if not if_team_follows:
                    break
        return found, where
