"""The handshake Front performs when an application webhook URL is registered.

Front POSTs a signed `{"type": "sync", "authorization": {"id": <company>}}`
with an `x-front-challenge` header; the endpoint must answer 200 echoing the
challenge as plain text, as a form field `challenge=`, or as JSON
`{"challenge": ...}`.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs

import httpx

from .delivery import Signer, failure

VALIDATION_TIMEOUT = 10.0  # Front gives the endpoint 10 s to answer the challenge


def echoes(text: str, challenge: str) -> bool:
    """Does an answer body carry the challenge in one of the three forms Front accepts?"""
    if text.strip() == challenge:
        return True
    if parse_qs(text.strip()).get("challenge") == [challenge]:
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("challenge") == challenge


def validate_url(url: str, company_id: str, sign: Signer) -> tuple[bool, str, str]:
    """Run the handshake; answers (passed, outcome, reason when it did not pass)."""
    challenge = secrets.token_urlsafe(24)
    body = json.dumps({"type": "sync", "authorization": {"id": company_id}}).encode()
    headers = {**sign(body), "x-front-challenge": challenge}
    with httpx.Client(timeout=VALIDATION_TIMEOUT, trust_env=False) as client:
        try:
            answer = client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            outcome = failure(exc)
            return False, outcome, f"the URL could not be reached ({outcome})"
    if answer.status_code != 200:
        return False, str(answer.status_code), f"the URL answered {answer.status_code}, not 200"
    if not echoes(answer.text, challenge):
        return False, "200", "the answer did not echo the x-front-challenge value"
    return True, "200", ""
