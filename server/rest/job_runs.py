"""Run the scheduled work now (admin): useful after a restart, and how tests move time forward."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel

from server import jobs
from server.auth import Admin

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


class RunIn(BaseModel):
    now: AwareDatetime | None = None


@router.post("/run")
async def run_jobs(body: RunIn, caller: Admin) -> dict[str, int]:
    now: datetime | None = body.now
    return await jobs.run_once(now)
