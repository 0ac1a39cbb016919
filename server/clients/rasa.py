"""The client for Rasa's token-protected HTTP API: `/model/parse` reads typed text (intents, best first).

Rasa is a separate process on loopback with no secrets and no database; it only understands, never decides.
"""

from __future__ import annotations

import httpx

from dialogue.reading import Understanding


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float, token: str | None = None) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._params = {"token": token} if token else {}

    async def parse(self, text: str) -> Understanding:
        try:
            response = await self._http.post("/model/parse", params=self._params, json={"text": text})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        ranking = body.get("intent_ranking") if isinstance(body, dict) else None
        if not isinstance(ranking, list):
            raise RasaUnavailable("unexpected body")
        return Understanding(
            tuple(
                (str(item.get("name", "")), float(item.get("confidence") or 0.0))
                for item in ranking
                if isinstance(item, dict)
            )
        )

    async def close(self) -> None:
        await self._http.aclose()
