"""The linter's Python API: `lint(document)` and `lint_text(text, source=...)`.

Both run every rule family (blaming language BF1xx over the prose, completeness BF2xx and
consistency BF3xx over the document, BF401 for a line too long to read), apply the project
config (selection, severities) and the inline suppression comments, and return findings sorted
by position. A stored post-mortem is linted in its stored text (the author's, as ``export``
gives it), so ``lint ID`` and ``lint FILE`` of the same content agree; a bare document is
linted in its rendered Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from blamefree.domain.postmortem import Postmortem
from blamefree.errors import InputError, TemplateParseError
from blamefree.lint import (
    completeness,
    consistency,
    criteria,
    language,
    limits,
    readings,
    suppress,
    tracker_links,
)
from blamefree.lint.config import LintConfig
from blamefree.lint.context import Document
from blamefree.lint.finding import Finding, Rule, index_rules
from blamefree.lint.locate import Locator
from blamefree.markdown.parse import parse
from blamefree.markdown.render import render

RULES: dict[str, Rule] = index_rules(
    language.RULES,
    completeness.RULES,
    consistency.RULES,
    tracker_links.RULES,
    criteria.RULES,
    readings.RULES,
    limits.RULES,
)


@dataclass(frozen=True)
class FileReport:
    """The findings of one file (or stored document) with the Markdown they point into."""

    file: str
    text: str
    findings: list[Finding]


def normalise_text(text: str) -> str:
    """Line endings and BOM as the parser sees them, so lines and columns agree."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _run(text: str, doc: Postmortem, source: str | None, config: LintConfig) -> list[Finding]:
    with limits.cycle_collection_paused():
        return _findings(text, doc, source, config)


def _findings(text: str, doc: Postmortem, source: str | None, config: LintConfig) -> list[Finding]:
    locator = Locator(text)
    placeholders = completeness.placeholder_spans(text)
    found: list[Finding] = []
    if any(config.enabled(rule.id) for rule in language.RULES):
        prose = completeness.blank_placeholders(text, placeholders)
        for hit in language.check_text(prose, config=config.language()):
            found.append(hit.model_copy(update={"field": locator.field_at(hit.line)}))
    document = Document(doc, text, locator, config, placeholders)
    found.extend(completeness.check(document))
    found.extend(consistency.check(document))
    found.extend(tracker_links.check(document))
    found.extend(criteria.check(document))
    found.extend(readings.check(document))
    found.extend(limits.check(document))
    kept: list[Finding] = []
    for hit in suppress.apply(found, text):
        if not config.enabled(hit.rule):
            continue
        level = config.level(hit.rule, hit.severity)
        kept.append(hit.model_copy(update={"severity": level, "file": source}))
    kept.sort(key=lambda hit: (hit.line, hit.column, hit.rule))
    return kept


def report_text(
    text: str,
    *,
    source: str | None = None,
    config: LintConfig | None = None,
    timezone: str | None = None,
) -> FileReport:
    """Lint Markdown; a text that does not parse raises TemplateParseError (file, line, field)."""
    text = normalise_text(text)
    doc = parse(text, source=source, timezone=timezone)
    return FileReport(source or "<text>", text, _run(text, doc, source, config or LintConfig()))


def report_document(
    document: Postmortem, *, source: str | None = None, config: LintConfig | None = None
) -> FileReport:
    """Lint a document in its rendered Markdown; ``source`` defaults to its incident id."""
    name = source or document.incident_id or "<document>"
    text = render(document)
    return FileReport(name, text, _run(text, document, name, config or LintConfig()))


def report_stored(
    text: str,
    document: Postmortem,
    *,
    source: str | None = None,
    config: LintConfig | None = None,
) -> FileReport:
    """Lint a stored post-mortem in its stored text, read the way it was stored (its zone).

    The findings are those of ``lint FILE`` on the same text. A text that no longer reads (a
    store from an older parser) is linted in the document's rendering instead.
    """
    name = source or document.incident_id or "<document>"
    try:
        return report_text(text, source=name, config=config, timezone=document.timezone)
    except TemplateParseError:
        return report_document(document, source=name, config=config)


def lint_text(
    text: str,
    *,
    source: str | None = None,
    config: LintConfig | None = None,
    timezone: str | None = None,
) -> list[Finding]:
    """Findings in a post-mortem written as Markdown, sorted by line and column."""
    return report_text(text, source=source, config=config, timezone=timezone).findings


def lint(document: Postmortem, *, config: LintConfig | None = None) -> list[Finding]:
    """Findings in a post-mortem document; lines refer to its rendered Markdown."""
    return report_document(document, config=config).findings


def read_markdown(path: Path) -> str:
    """A file's text; unreadable files are an InputError naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=str(path)) from exc
