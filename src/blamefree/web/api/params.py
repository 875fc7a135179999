"""Query parameters several API routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

BasedOn = Annotated[
    int | None,
    Query(
        alias="version",
        ge=1,
        description="The post-mortem's version this change was made on; StaleEdit (409) when "
        "another was saved since. Without it the change applies to the latest version.",
    ),
]
