"""The blaming-language patterns, one function per family, over one sentence of tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from blamefree.lint import language_words as words
from blamefree.lint.language_parse import Clause, Kind, can_be_verb, is_base_verb, verb_lemmas

PERSON, HUMAN_ERROR, COUNTERFACTUAL, JUDGEMENT, TEAM, QUESTION, BELITTLING = (
    "BF101",
    "BF102",
    "BF103",
    "BF104",
    "BF105",
    "BF106",
    "BF107",
)

Add = Callable[[str, int, int], None]

# Tokens on which each family's patterns start; anything else is skipped at C speed.
_HUMAN_ERROR_FIRST = frozenset(
    {"human", "operator", "user", "pilot", "manual", "human-error", "pebkac", "pebcak", "id10t"}
)
# "not caused by human error", "a race rather than operator error": denied, not given as cause.
_DENIALS = frozenset({"not", "n't", "never", "than", "wasn't", "isn't", "weren't"})
_JUDGEMENT_FIRST = words.JUDGEMENT_WORDS | {"obvious", "rookie", "no"}
_BELITTLING_FIRST = frozenset(
    {"just", "simply", "merely", "trivial", "trivially", "no-brainer", "all"}
)

_BLAMED: dict[Kind | None, str] = {"person": PERSON, "team": TEAM}
_MODALS = frozenset({"should", "could", "ought", "shouldn't", "couldn't", "might"})
_SHOULD = frozenset({"should", "shouldn't", "ought", "should've", "shouldn't've", "ought've"})
_MODAL_HAVE = frozenset({"should've", "could've", "shouldn't've", "ought've"})
_ARTICLES = frozenset({"the", "a", "an", "our", "their", "his", "her", "its", "my", "your"})
_MINIMISERS = frozenset({"easily", "simply", "just"})
_NEGATIVE_AUX = frozenset(
    {"didn't", "wasn't", "weren't", "hasn't", "hadn't", "isn't", "couldn't", "wouldn't"}
    | {"won't", "doesn't", "don't", "aren't", "haven't"}
)
_COUNTERFACTUAL_FIRST = _MODALS | _MODAL_HAVE | {"would", "if", "had", "nobody", "no-one", "no"}
_COPULA = frozenset({"wasn't", "weren't", "isn't", "aren't"})
_WHO_VERBS = frozenset(
    [
        "approved",
        "approve",
        "signed",
        "merged",
        "thought",
        "let",
        "allowed",
        "decided",
        "pushed",
        "broke",
        "caused",
        "did",
        "dropped",
        "deleted",
        "ran",
        "wrote",
        "missed",
        "forgot",
        "ignored",
        "skipped",
    ]
)
# "didn't test", "has not checked", "never read": a person's omission.
_NOT_DONE = frozenset({"didn't", "not", "never", "hasn't", "hadn't", "haven't"})
_DID = frozenset({"did", "does", "has", "had", "have"})
_CULPRIT_WORDS = frozenset({"fault", "responsible", "blame", "with", "on"})
_LIES = frozenset({"lies", "lay", "lie", "rests", "rested", "rest", "sits", "sat", "falls", "fell"})
_ACCOUNTABILITY = frozenset({"responsibility", "blame", "fault", "accountability"})
_OMISSIONS = frozenset({"not", "failing", "never", "missing", "ignoring", "skipping"})
_SQUARELY = frozenset({"entirely", "squarely", "solely", "firmly", "fully", "wholly", "all"})
_MEANS = frozenset({"by", "with", "through", "via", "using"})
_CARE = frozenset({"care", "attention", "diligence", "caution", "effort", "discipline", "rigour"})
_DUTIES = frozenset({"job", "responsibility", "role", "duty"})
_PASSIVE_AUX = frozenset({"was", "were", "been", "is", "are", "be", "being", "got", "get"})
# "Nobody bothered to verify" judges; "nobody noticed the alert" states a fact and is fine.
_NEG_PERSON_VERBS = frozenset({"bothered", "cared", "thought"})


_PREFIXES = frozenset({"mis", "re-"})


@cache
def _culprit_triggers() -> frozenset[str]:
    """Tokens on which `culprit` can start (besides mis- and re- verbs)."""
    return frozenset(verb_lemmas()) | words.BAD_OBJECT | _CULPRIT_WORDS


@cache
def _counterfactual_triggers() -> frozenset[str]:
    fail = {form for form, lemma in verb_lemmas().items() if lemma in {"fail", "neglect"}}
    return _COUNTERFACTUAL_FIRST | fail


def check_sentence(
    clause: Clause, add: Add, phrases: tuple[tuple[str, ...], ...], firsts: frozenset[str]
) -> None:
    """Every family over one sentence, skipping those whose first words it does not have."""
    present = clause.present
    joined = clause.joined
    if not present.isdisjoint(_HUMAN_ERROR_FIRST) or "fat-" in joined:
        human_error(clause, add)
    if not present.isdisjoint(_JUDGEMENT_FIRST) or not present.isdisjoint(firsts):
        judgement(clause, add, phrases)
    if "bothered" in present:
        bothered(clause, add)
    if not present.isdisjoint(_BELITTLING_FIRST):
        belittling(clause, add)
    if not present.isdisjoint(_counterfactual_triggers()):
        counterfactual(clause, add)
    if not present.isdisjoint(_culprit_triggers()) or "mis" in joined or "re-" in joined:
        culprit(clause, add)
    if clause.tokens[-1].low == "?":
        loaded_question(clause, add)


def human_error(clause: Clause, add: Add) -> None:
    """BF102: "human error", "operator error", "PEBKAC", "fat-fingered" given as a cause."""
    for index, low in enumerate(clause.lows):
        if low not in _HUMAN_ERROR_FIRST and not low.startswith("fat-"):
            continue
        if low in {"pebkac", "pebcak", "id10t"} or low.startswith("fat-finger"):
            add(HUMAN_ERROR, index, index)
            continue
        if low == "human-error" or (
            low in {"human", "operator", "user", "pilot", "manual"}
            and clause.low(index + 1) in {"error", "mistake"}
        ):
            last = index if low == "human-error" else index + 1
            if clause.low(last + 1) in words.HUMAN_ERROR_NEUTRAL_NEXT:
                continue
            before = {clause.low(back) for back in range(index - 4, index)}
            if before & (words.HUMAN_ERROR_MITIGATION | _DENIALS):
                continue
            add(HUMAN_ERROR, index, last)


def judgement(clause: Clause, add: Add, phrases: tuple[tuple[str, ...], ...]) -> None:
    """BF104: words that judge people or their work ("careless", "sloppy", "obviously")."""
    firsts = {phrase[0] for phrase in phrases}
    for index, low in enumerate(clause.lows):
        if low not in _JUDGEMENT_FIRST and low not in firsts:
            continue
        if low in words.JUDGEMENT_WORDS:
            if low in {"lazy", "lazily"} and (
                low == "lazily" or clause.low(index + 1) in words.LAZY_TECHNICAL
            ):
                continue
            add(JUDGEMENT, index, index)
        elif low == "obvious":
            before = {clause.low(back) for back in range(index - 3, index)}
            if not before & words.NEGATORS:
                add(JUDGEMENT, index, index)
        elif low == "rookie" and clause.low(index + 1) in {"mistake", "error", "move"}:
            add(JUDGEMENT, index, index + 1)
        elif low == "no" and clause.low(index + 1) == "excuse":
            add(JUDGEMENT, index, index + 1)  # "there's no excuse for letting it expire"
        for phrase in phrases:
            if low == phrase[0] and all(
                clause.low(index + offset) == part for offset, part in enumerate(phrase)
            ):
                add(JUDGEMENT, index, index + len(phrase) - 1)


def belittling(clause: Clause, add: Add) -> None:
    """BF107: "just restart it", "simply forgot", "all they had to do was", "trivial fix"."""
    for index, low in enumerate(clause.lows):
        if low not in _BELITTLING_FIRST:
            continue
        after = clause.low(index + 1)
        if low == "just":
            before = clause.low(index - 1)
            after_modal = before == "have" and clause.low(index - 2) in _MODALS
            if before in {"had", "has", "have", "'d"} and not after_modal:
                continue  # "had just handed over": time, not minimising
            if after in _JUST_AMOUNT:
                continue  # "just over two hours", "just after the deploy": an amount or a time
            if _minimising_verb(clause, index + 1) or (after_modal and can_be_verb(after)):
                if not _system_subject(clause, index):
                    add(BELITTLING, index, index + 1)
            elif _matter_of_doing(clause, index + 1) and not _system_subject(clause, index):
                add(BELITTLING, index, index + 4)
        elif low in {"simply", "merely"}:
            if after == "put" or not after:
                continue
            if can_be_verb(after) or after in {"didn't", "did", "not"}:
                if not _system_subject(clause, index):
                    add(BELITTLING, index, index + 1)
            elif _matter_of_doing(clause, index + 1):
                add(BELITTLING, index, index + 4)  # "simply a matter of reading the docs"
        elif low == "trivially":
            if after in _TRIVIALLY_BLAMING:
                add(BELITTLING, index, index + 1)
        elif low in {"trivial", "no-brainer"}:
            if clause.low(index - 1) in words.NEGATORS or clause.low(index - 1) == "non":
                continue
            if low == "trivial" and _trivial_system(clause, index):
                continue
            add(BELITTLING, index, index)
        elif low == "all" and _all_they_had_to_do(clause, index):
            add(BELITTLING, index, index + 4)


# After "just", words that make it "barely" or "right": "just over 5%", "just before 10:00".
_JUST_AMOUNT = frozenset(
    {"over", "under", "above", "below", "past", "after", "before", "about", "around", "shy"}
    | {"short", "beyond", "in", "as", "like", "once", "then", "now", "enough", "gone"}
)
# "couldn't be bothered to": a judgement of people, whoever the subject is.
_CANNOT = frozenset({"couldn't", "can't", "cannot", "wouldn't", "won't"})


def bothered(clause: Clause, add: Add) -> None:
    """BF104/BF105: "couldn't be bothered to", "could not be bothered" (a group: BF105)."""
    for index, low in enumerate(clause.lows):
        if low != "bothered" or clause.low(index - 1) != "be":
            continue
        modal = index - 2
        if clause.low(modal) == "not" and clause.low(modal - 1) in {"could", "can", "would"}:
            modal -= 1
        elif clause.low(modal) not in _CANNOT:
            continue
        kind, where = clause.subject(modal)
        if kind == "team":
            add(TEAM, where, index)  # "the DBAs couldn't be bothered to review it"
        else:
            add(JUDGEMENT, modal, index)


# "trivially avoidable" belittles; "trivially reproducible" describes a bug.
_TRIVIALLY_BLAMING = frozenset(
    {"avoidable", "avoided", "preventable", "prevented", "caught", "catchable", "spotted"}
    | {"fixable", "detectable", "noticed", "obvious"}
)
# What a system "simply requires" is someone's task: "recovery simply required a rollback".
_REQUIRING = frozenset(
    {"require", "requires", "required", "need", "needs", "needed", "involve", "involves"}
    | {"involved", "meant", "means", "take", "takes", "took"}
)


def _system_subject(clause: Clause, index: int) -> bool:
    """Whether the minimiser at `index` modifies a system's action ("traffic simply shifted")."""
    if clause.low(index + 1) in _REQUIRING:
        return False
    kind, _ = clause.subject(index)
    return kind == "system"


def _trivial_system(clause: Clause, index: int) -> bool:
    """Whether "trivial" is said of a system's work ("the rollback itself was trivial once")."""
    if clause.low(index + 1) == "to" or clause.low(index + 1) in words.FAILURE_NOUNS:
        return False  # "trivial to catch", "a trivial mistake"
    at = index - 1
    while clause.low(at) in words.SUBJECT_SKIP | {"quite", "pretty", "fairly", "rather"}:
        at -= 1
    if clause.low(at) not in {"is", "was", "are", "were", "be", "been"}:
        return False
    kind, _ = clause.subject(at)
    return kind == "system"


def _matter_of_doing(clause: Clause, index: int) -> bool:
    return (
        clause.low(index) == "a"
        and clause.low(index + 1) == "matter"
        and clause.low(index + 2) == "of"
        and clause.low(index + 3).endswith("ing")
    )


def _all_they_had_to_do(clause: Clause, index: int) -> bool:
    return (
        clause.kind(index + 1) in {"person", "team", "we"}
        and clause.low(index + 2) in {"had", "has", "have", "needed", "need"}
        and clause.low(index + 3) == "to"
        and clause.low(index + 4) == "do"
    )


def _minimising_verb(clause: Clause, index: int) -> bool:
    low = clause.low(index)
    if low == "have" and clause.low(index - 2) in _MODALS:
        return True  # "could just have reverted"
    if low in {"had", "has", "have", "needed", "need", "needs"}:
        return clause.low(index + 1) == "to"
    if low in {"forgot", "ignored", "missed", "skipped", "didn't", "wanted"}:
        return True
    return bool(low) and low.isalpha() and is_base_verb(low)


def counterfactual(clause: Clause, add: Add) -> None:
    """BF103: "should have", "could have easily", "failed to notice", "if only", "had they"."""
    lemmas = verb_lemmas()
    for index, low in enumerate(clause.lows):
        if low not in _COUNTERFACTUAL_FIRST and lemmas.get(low) not in {"fail", "neglect"}:
            continue
        if low in _MODALS or low in _MODAL_HAVE or low == "would":
            _modal_have(clause, index, add)
        elif low == "if" and clause.low(index + 1) == "only":
            following = clause.low(index + 2)
            if following not in words.NUMBER_WORDS and not following[:1].isdigit():
                add(COUNTERFACTUAL, index, index + 1)
        elif (
            low == "if"
            or (low == "had" and clause.is_initial(index))
            or (low == "had" and clause.low(index - 1) in {",", "and", "but"})
        ):
            _counterfactual_condition(clause, index, add)
        elif lemmas.get(low) in {"fail", "neglect"} and clause.low(index + 1) == "to":
            kind, _ = clause.subject(index)
            verb = lemmas.get(clause.low(index + 2))
            if kind in {"person", "we"} or (kind is None and verb in words.DILIGENCE_VERBS):
                add(COUNTERFACTUAL, index, index + 2)
            elif kind == "team":
                add(TEAM, index, index + 2)
        elif low in {"nobody", "no-one"} or (low == "no" and clause.low(index + 1) == "one"):
            verb_at = index + (2 if low == "no" else 1)
            if clause.low(verb_at) in _NEG_PERSON_VERBS and not _is_question(clause):
                add(COUNTERFACTUAL, index, verb_at)


def _modal_have(clause: Clause, index: int, add: Add) -> None:
    low = clause.low(index)
    have = index
    if low not in _MODAL_HAVE:
        have = index + 1
        while clause.low(have) in _MINIMISERS | {"not", "to", "n't"} and have < index + 4:
            have += 1
        if clause.low(have) not in {"have", "of"}:  # "should of": a common misspelling
            return
    if low == "might":
        return
    minimised = any(clause.low(at) in _MINIMISERS for at in range(index + 1, have + 2))
    kind, _ = clause.subject(index)
    after = clause.low(have + 1)
    lemma = verb_lemmas().get(after)
    diligent = lemma in words.DILIGENCE_VERBS or after in words.DILIGENCE_PARTICIPLES
    people = kind in {"person", "we", "team"}
    if low == "would":
        if kind == "person" and after in words.DILIGENCE_PARTICIPLES:
            add(COUNTERFACTUAL, index, have + 1)
    elif minimised or (people and low in _SHOULD):
        add(COUNTERFACTUAL, index, have)
    elif people and diligent:
        add(COUNTERFACTUAL, index, have + 1)  # "could have checked", not "could have restored"
    elif after == "been" and clause.low(have + 2) in words.DILIGENCE_PARTICIPLES:
        by = have + 3
        agent: Kind | None = "person"
        if clause.low(by) in _MEANS:  # "avoided with backoff in the client": a system's gap
            care = {clause.low(at) for at in range(by + 1, by + 5)} & _CARE
            agent = "person" if care else clause.agent(by)[0]
        if agent in {"person", "team"}:
            add(COUNTERFACTUAL, index, have + 2)
    elif kind is None and diligent:
        add(COUNTERFACTUAL, index, have + 1)


def _counterfactual_condition(clause: Clause, index: int, add: Add) -> None:
    """ "If Maria had followed ...", "Had they read the runbook ..."."""
    start = index + 1
    if clause.low(index) == "had":
        noun = start + 1 if clause.low(start) in words.DETERMINERS else start
        if clause.kind(noun) in {"person", "we"} and clause.low(noun + 1) != "been":
            add(COUNTERFACTUAL, index, noun)
        return
    for noun in range(start, min(start + 3, len(clause.tokens))):
        if clause.low(noun + 1) in {"had", "hadn't"}:
            if clause.kind(noun) in {"person", "we"} and clause.low(noun + 2) != "to":
                add(COUNTERFACTUAL, index, noun + 1)
            return
        plain = clause.low(noun) not in words.DETERMINERS and not clause.tokens[noun].capitalised
        if plain and clause.kind(noun) not in {"person", "we"}:
            return


def culprit(clause: Clause, add: Add) -> None:
    """BF101/BF105: a person or team as the subject (or agent) of a failure."""
    tokens = clause.tokens
    lemmas = verb_lemmas()
    triggers = _culprit_triggers()
    lows = clause.lows
    if "mis" in clause.joined or "re-" in clause.joined:
        starts = [at for at, low in enumerate(lows) if low in triggers or low[:3] in _PREFIXES]
    else:
        starts = [at for at, low in enumerate(lows) if low in triggers]
    for index in starts:
        low = lows[index]
        lemma = lemmas.get(low)
        if lemma is None and low.startswith("re-"):
            lemma = lemmas.get(low[3:])  # "re-ran the job without checking": done again
        if low in words.BAD_OBJECT:
            _bad_artifact(clause, index, add)  # "Grace's bad merge", "his broken change"
        if lemma is None:
            if low in _CULPRIT_WORDS:
                _culprit_word(clause, index, add)
                continue
            if not (low.startswith("mis") and _mis_verb(low)):
                continue
            lemma = "misconfigure"  # "misrouted", "mishandled": any mis- verb is a slip
        token = tokens[index]
        if token.capitalised and index > 0:
            continue
        if clause.low(index - 1) in _ARTICLES:
            continue  # "the missing index", "a broken build": an adjective, not a verb
        if lemma in words.CLEFT_VERBS and _singled_out(clause, index, lemma, add):
            continue
        if lemma in words.OWNED_IMPACT_VERBS and _owned_impact(clause, index, add):
            continue
        last = index
        if lemma in words.PARTICLE_FAILURES:
            particle = _particle(clause, index, words.PARTICLE_FAILURES[lemma])
            if particle is None:
                continue
            last = particle if particle == index + 1 else index
        elif lemma == "drop" and clause.low(index + 2) == "ball":
            last = index + 2
        elif lemma == "make":
            objects = {clause.low(at) for at in range(index + 1, index + 4)}
            if not objects & {"mistake", "error", "typo", "blunder", "mess"}:
                continue
        elif lemma in words.ACTION_VERBS:
            if lemma in words.NEGLIGENCE_VERBS | words.FAILURE_VERBS:
                pass
            elif lemma == "do" and clause.low(index + 1) in words.NEGATORS:
                continue  # "did not": an auxiliary
            elif not _careless_action(clause, index) and clause.low(index + 1) != "by":
                continue
        elif lemma in words.DILIGENCE_VERBS:
            if clause.low(index - 1) not in _NOT_DONE:
                continue
            if clause.low(index - 1) == "not" and clause.low(index - 2) not in _DID:
                continue
            if _is_question(clause):
                continue
        elif lemma not in words.FAILURE_VERBS | words.NEGLIGENCE_VERBS:
            continue
        _blame_subject_or_agent(clause, index, last, add)


def _singled_out(clause: Clause, index: int, lemma: str, add: Add) -> bool:
    """ "It was Sarah who disabled the alert", "the database was dropped by Kyle"."""
    objects = {clause.low(at) for at in range(index + 1, index + 5)}
    if objects & words.REMEDY_NOUNS:
        return False  # "It was Sarah who pushed the fix"
    if lemma in words.DESTRUCTIVE_VERBS and clause.low(index + 1) == "by":
        if clause.low(index - 1) in _PASSIVE_AUX:
            kind, where = clause.agent(index + 1)
            if kind in _BLAMED:
                add(_BLAMED[kind], index, where)
                return True
        return False
    at = index - 1
    while clause.low(at) in words.SUBJECT_SKIP:
        at -= 1
    if clause.low(at) not in {"who", "that"}:
        return False
    head = at - 1
    kind = clause.kind(head)
    if kind not in _BLAMED:
        return False
    for be in range(head - 1, max(head - 5, -1), -1):
        low = clause.low(be)
        it_is = low in {"was", "is"} and clause.low(be - 1) == "it"
        if it_is or (low == "it" and clause.tokens[be].possessive):  # "It's Sarah who ..."
            add(_BLAMED[kind], be - 1 if it_is else be, index)
            return True
        if low in words.CLAUSE_BREAKS:
            break
    return False


def _owned_impact(clause: Clause, index: int, add: Add) -> bool:
    """ "@jdoe's migration locked the orders table": the owner of the artifact is blamed."""
    if clause.low(index + 1) in {"down", "in", "up", "out", "through"}:
        return False  # "locked down the admin API"; "locked out" is a particle failure
    if clause.low(index - 1) in _PASSIVE_AUX:
        return False
    kind, where = clause.subject(index)
    if kind not in _BLAMED or where < 0:
        return False
    if not clause.tokens[where].possessive and clause.low(where) not in {"his", "her"}:
        return False  # "Dave locked the table" is an ordinary action
    add(_BLAMED[kind], where, index)
    return True


def _bad_artifact(clause: Clause, index: int, add: Add) -> None:
    """ "Grace's bad merge", "@sam's untested change": a person's faulty artifact."""
    owner = index - 1
    if owner < 0 or not (clause.tokens[owner].possessive or clause.low(owner) in {"his", "her"}):
        return
    for noun in (index + 1, index + 2):
        if clause.low(noun) in words.ARTIFACT_NOUNS:
            kind = "person" if clause.low(owner) in {"his", "her"} else clause.kind(owner)
            if kind in _BLAMED:
                add(_BLAMED[kind], owner, noun)
            return
        if not clause.low(noun).isalpha():
            return


def _blame_subject_or_agent(clause: Clause, index: int, last: int, add: Add) -> None:
    by = index + 1 if clause.low(index + 1) == "by" else last + 1
    passive = clause.low(index - 1) in _PASSIVE_AUX or clause.low(by) == "by"
    if passive:
        if clause.low(by) == "by" and _blameworthy_passive(clause, index):
            kind, where = clause.agent(by)
            if kind in _BLAMED:
                add(_BLAMED[kind], index, where)
        return
    kind, where = clause.subject(index)
    if kind in _BLAMED:
        add(_BLAMED[kind], where, last)
    elif where >= 0 and clause.low(where) in {"that", "which"}:
        _relative_culprit(clause, where, last, add)


def _relative_culprit(clause: Clause, pronoun: int, last: int, add: Add) -> None:
    """ "The mobile team shipped a release that crashed": blame goes to who shipped it."""
    lemmas = verb_lemmas()
    for at in range(pronoun - 1, max(pronoun - 5, -1), -1):
        low = clause.low(at)
        if low in words.CLAUSE_BREAKS:
            return
        if lemmas.get(low) in words.ACTION_VERBS and clause.low(at - 1) not in _PASSIVE_AUX:
            kind, where = clause.subject(at)
            if kind in _BLAMED:
                add(_BLAMED[kind], where, last)
            return


def _blameworthy_passive(clause: Clause, index: int) -> bool:
    """Whether "<X> was <verb>ed by <agent>" blames the agent."""
    lemma = verb_lemmas().get(clause.low(index))
    if lemma not in words.ACTION_VERBS or lemma in words.NEGLIGENCE_VERBS | words.FAILURE_VERBS:
        return True
    if _careless_action(clause, index):
        return True
    at = index - 1
    while at >= 0 and clause.low(at) in _PASSIVE_AUX | words.SUBJECT_SKIP:
        at -= 1
    return clause.low(at) in words.FAILURE_NOUNS


def _particle(clause: Clause, index: int, particles: frozenset[str]) -> int | None:
    for at in range(index + 1, min(index + 5, len(clause.tokens))):
        low = clause.low(at)
        if low in particles:
            return at
        if low in words.CLAUSE_BREAKS or low in {".", "?", "!"}:
            return None
    return None


def _careless_action(clause: Clause, index: int) -> bool:
    in_object = True
    for at in range(index + 1, min(index + 10, len(clause.tokens))):
        low = clause.low(at)
        in_object = in_object and at <= index + 4 and low not in {"for", "to", "from", "of"}
        if in_object and (low in words.BAD_OBJECT or low in words.FAILURE_NOUNS):
            return True  # "ran the wrong playbook", "introduced a bug"
        if low == "without":
            what = at + 1
            while clause.low(what) in words.WITHOUT_FILLERS and what < at + 3:
                what += 1
            if clause.low(what) in words.WITHOUT_WHAT:
                return True
        if low == "by" and clause.low(at + 1) == "mistake":
            return True
        if low in {",", ";", ".", "because", "when", "after", "and"}:
            break
    before = {clause.low(index - 1), clause.low(index - 2)}
    return bool(before & words.CARELESS_MANNER)


def _culprit_word(clause: Clause, index: int, add: Add) -> None:
    low = clause.low(index)
    if low in {"with", "on"}:
        _lies_with(clause, index, add)
    elif low == "fault":
        _fault(clause, index, add)
    elif low == "responsible" or (low == "blame" and clause.low(index - 1) == "to"):
        _responsible(clause, index, add)


def _mis_verb(low: str) -> bool:
    return (
        low.startswith("mis")
        and len(low) > 6
        and not low.startswith("mistake")
        and low.isalpha()
        and can_be_verb(low[3:])
    )


def _lies_with(clause: Clause, index: int, add: Add) -> None:
    """ "Responsibility for the outage lies with Chen", "this incident is on the release team"."""
    verb = index - 1
    while clause.low(verb) in _SQUARELY:
        verb -= 1
    word = clause.low(verb)
    before = set(clause.lows[:verb])
    if clause.low(index) == "with":
        if word not in _LIES or not before & _ACCOUNTABILITY:
            return
        about_failure = bool(before & (words.FAILURE_NOUNS | {"blame", "fault"}))
    else:
        if word not in {"is", "was"}:
            return
        subject = verb - 1
        while clause.low(subject) in _SQUARELY:
            subject -= 1
        subject_low = clause.low(subject)
        if subject_low not in words.FAILURE_NOUNS | _ACCOUNTABILITY | {"this", "that"}:
            return
        about_failure = subject_low not in _ACCOUNTABILITY or bool(before & words.FAILURE_NOUNS)
    kind, where = clause.agent(index)
    after = clause.low(where + 1)
    if kind not in _BLAMED or (after[:1].isalnum() and after not in {"for", "alone", "and"}):
        return
    if after == "for":  # "... lies with the team for not load-testing the change"
        reason = {clause.low(at) for at in range(where + 2, where + 5)}
        about_failure = about_failure or bool(reason & (words.FAILURE_NOUNS | _OMISSIONS))
    if about_failure:
        add(_BLAMED[kind], verb, where)


def _fault(clause: Clause, index: int, add: Add) -> None:
    for back in (index - 1, index - 2):
        if back >= 0 and clause.tokens[back].possessive:
            kind = clause.kind(back)
            if kind in _BLAMED:
                add(_BLAMED[kind], back, index)
            return
    if clause.low(index + 1) == "of":
        kind, where = clause.agent(index)
        if kind in _BLAMED:
            add(_BLAMED[kind], index, where)


def _responsible(clause: Clause, index: int, add: Add) -> None:
    verb = index - 1 if clause.low(index) == "responsible" else index - 2
    if clause.low(verb) not in {"is", "was", "are", "were", "be"}:
        return
    if clause.low(index) == "responsible":
        following = {clause.low(at) for at in range(index + 1, index + 5)}
        if clause.low(index + 1) != "for" or not following & words.FAILURE_NOUNS:
            return
    kind, where = clause.subject(verb)
    if kind in _BLAMED:
        add(_BLAMED[kind], where, index)


def _is_question(clause: Clause) -> bool:
    return clause.tokens[-1].low == "?" or clause.tokens[0].low in {"why", "how", "who"}


def loaded_question(clause: Clause, add: Add) -> None:
    """BF106: "Why didn't anyone check ...?", "Who approved this?", "How did nobody notice?"."""
    tokens = clause.tokens
    if tokens[-1].low != "?":
        return
    first = 2 if clause.low(1) == ":" and len(tokens) > 3 else 0  # "Q: why did nobody ...?"
    word = clause.low(first)
    second = clause.low(first + 1)
    last = len(tokens) - 1
    if word == "why" and _loaded_why(clause, first + 1):
        add(QUESTION, first, last)
    elif word == "how" and second in {"could", "can", "did", "do", "does", "would"}:
        kind, at = _noun_phrase(clause, first + 2)
        verb = clause.low(at + 1)
        lemma = verb_lemmas().get(verb)
        if (
            clause.low(at) in {"nobody", "no-one"}
            or (clause.low(at) == "one" and kind)
            or (
                kind in {"person", "team"}
                and (verb in {"not", "let", "think"} or lemma in words.NEGLIGENCE_VERBS)
            )
        ):
            add(QUESTION, first, last)
    elif _who_did_it(clause, first) or _whose_job(clause, first):
        add(QUESTION, first, last)


def _who_did_it(clause: Clause, first: int) -> bool:
    """ "Who approved this?", "Who is responsible?", "What were they thinking?"."""
    word, second = clause.low(first), clause.low(first + 1)
    if word == "who":
        return second in _WHO_VERBS or (
            second in {"is", "was"} and clause.low(first + 2) in {"responsible", "to"}
        )
    return word == "what" and second in {"were", "was"} and clause.low(first + 3) == "thinking"


def _whose_job(clause: Clause, first: int) -> bool:
    """ "Isn't it QA's job to catch this?", "Whose job was it to check the backups?"."""
    word = clause.low(first)
    if word == "whose":
        return clause.low(first + 1) in _DUTIES
    if word not in {"isn't", "wasn't"} or clause.low(first + 1) != "it":
        return False
    for at in range(first + 2, min(first + 7, len(clause.tokens))):
        if clause.low(at) not in _DUTIES:
            continue
        if clause.low(at + 1) == "of":
            kind, _ = clause.agent(at + 1)
            return kind in _BLAMED
        return at > 0 and clause.tokens[at - 1].possessive and clause.kind(at - 1) in _BLAMED
    return False


def _loaded_why(clause: Clause, index: int) -> bool:
    word = clause.low(index)
    if word == "on" and clause.low(index + 1) == "earth":
        return True
    if word == "the" and clause.low(index + 1) == "hell":
        return True
    if word in {"would", "did"} and clause.low(index + 1) in {"nobody", "no", "anyone", "you"}:
        return True
    if word in _NEGATIVE_AUX or word in {"did", "does", "was", "were"}:
        kind, at = _noun_phrase(clause, index + 1)
        negated = word in _NEGATIVE_AUX or clause.low(at + 1) == "not"
        if word in {"was", "were"} and not negated:
            # "Why were the warnings ignored?": someone's neglect, asked as a passive.
            lemma = verb_lemmas().get(clause.low(at + 1))
            return lemma in words.NEGLIGENCE_VERBS and clause.low(at + 1).endswith("ed")
        if not negated:
            return False
        if kind in {"person", "team", "we"}:
            return True
        if word in _COPULA:
            return clause.low(at + 1) in words.DILIGENCE_PARTICIPLES
    return False


def _noun_phrase(clause: Clause, index: int) -> tuple[Kind | None, int]:
    """The kind and head index of the noun phrase starting at `index`."""
    at = index
    while clause.low(at) in words.DETERMINERS and at < index + 2:
        at += 1
    if clause.low(at) == "no" and clause.low(at + 1) == "one":
        return "person", at + 1
    head = at
    while clause.low(head + 1) in words.PERSON_NOUNS | words.TEAM_HEADS and head < at + 3:
        head += 1
    return clause.kind(head), head
