"""Parameters the API's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

# Ids are PostgreSQL integers: a bigger number names nothing, so it is refused (422) before any lookup.
MAX_ID = 2**31 - 1

# A record's id in the path: /api/cases/{case_id}.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# A record's id in a request body: {"council_id": 3}.
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]
