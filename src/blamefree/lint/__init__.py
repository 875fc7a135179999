"""Lint rules for post-mortems: blaming language, completeness, consistency."""

from blamefree.lint.api import lint, lint_text
from blamefree.lint.finding import Finding, Level, Rule

__all__ = ["Finding", "Level", "Rule", "lint", "lint_text"]
