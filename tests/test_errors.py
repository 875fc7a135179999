"""The error tree is complete: every class has a status and an exit code, documented once."""

from pathlib import Path

import pytest

from blamefree import errors
from blamefree.cli.app import EXIT_CODES_HELP
from blamefree.cli.hints import described
from blamefree.errors import CODES, BlamefreeError, code_of

DOCS = Path(__file__).parents[1] / "docs"


def _tree(cls: type[BlamefreeError]) -> list[type[BlamefreeError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found += _tree(sub)
    return found


def test_every_class_of_the_tree_has_its_own_row() -> None:
    classes = [c for c in _tree(BlamefreeError) if c.__module__ == "blamefree.errors"]
    assert sorted(c.__name__ for c in classes) == sorted(c.__name__ for c in CODES)
    for cls in classes:
        assert cls.__name__ in errors.__doc__  # drawn in the module docstring
        code = CODES[cls]
        assert 400 <= code.http_status <= 599
        assert 1 <= code.exit_code <= 125
        assert code.meaning


def test_the_statuses_the_issue_names() -> None:
    assert {
        name: (CODES[getattr(errors, name)].http_status, CODES[getattr(errors, name)].exit_code)
        for name in (
            "UsageError",
            "Unauthenticated",
            "Forbidden",
            "ValidationFailed",
            "PostmortemNotFound",
            "StaleEdit",
            "StoreBusy",
        )
    } == {
        "UsageError": (400, 2),
        "Unauthenticated": (401, 9),
        "Forbidden": (403, 10),
        "ValidationFailed": (422, 3),
        "PostmortemNotFound": (404, 4),
        "StaleEdit": (409, 5),
        "StoreBusy": (503, 7),
    }


def test_an_instance_reads_its_codes_from_the_table() -> None:
    error = errors.PersonNotFound("'Dana' is not in the people directory")
    assert (error.http_status, error.exit_code) == (404, 4)

    class Later(errors.Conflict):  # a subclass made elsewhere inherits its parent's row
        pass

    assert (Later("x").http_status, Later("x").exit_code) == (409, 5)
    with pytest.raises(TypeError):
        code_of(ValueError)  # type: ignore[arg-type]


def test_exit_codes_are_documented_in_help_and_docs() -> None:
    for code in {c.exit_code for c in CODES.values()}:
        assert f" {code} " in EXIT_CODES_HELP.replace("\\\n", "")
    text = (DOCS / "errors.md").read_text()
    assert text == errors.errors_reference(), "run: python -m blamefree.cli.reference"
    for cls, code in CODES.items():
        assert f"| `{cls.__name__}` |" in text
        assert f"| {code.http_status} | {code.exit_code} |" in text


def test_messages_name_no_cli_flag_and_the_cli_adds_its_hint() -> None:
    missing = errors.ActionItemNotFound("no action item with id 'A-NOPE00'")
    assert str(missing) == "no action item with id 'A-NOPE00'"
    assert described(missing) == (
        "no action item with id 'A-NOPE00'; `blamefree actions list` shows the ids"
    )
    duplicate = errors.DuplicatePostmortem("a.md: post-mortem 'INC-1' is in the store already")
    assert described(duplicate, "import").endswith(
        "is in the store already; use --update to save this file as its next version"
    )
    assert described(duplicate, "new") == str(duplicate)
    bad_time = errors.ValidationFailed("time 'soon': not a time", field="time")
    assert described(bad_time) == "field 'time': time 'soon': not a time (option --at)"


def test_an_api_answer_maps_back_onto_its_class() -> None:
    assert errors.error_class("PostmortemNotFound", 404) is errors.PostmortemNotFound
    assert errors.error_class("MergeConflict", 409) is errors.MergeConflict
    # A class this client does not know: the most general one of its status.
    assert errors.error_class("SomethingNewer", 404) is errors.NotFound
    assert errors.error_class("SomethingNewer", 403) is errors.Forbidden
    assert errors.error_class("InternalError", 500) is BlamefreeError
    assert errors.error_class("HTTPError", 413) is BlamefreeError
    for cls, code in CODES.items():
        assert errors.error_class(cls.__name__, code.http_status) is cls
