"""Front's authorization pages, as the sandbox plays them: the consent screen (the app's name,
Allow and Deny) and the refusal of a request that cannot be answered by a redirect.

The consent screen is shown by `GET /oauth/authorize` when the sandbox runs with
`interactive_consent`; its form posts the same authorization request back with the
customer's decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
)
"""The authorization request's parameters the form carries back."""

_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Front (sandbox)</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; padding: 1rem; background: #f4f4f8; }}
main {{ max-width: 28rem; margin: 2rem auto; background: #fff; padding: 1.5rem;
  border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
.actions {{ display: flex; gap: .75rem; flex-wrap: wrap; margin-top: 1.5rem; }}
button {{ font-size: 1rem; padding: .6rem 1.2rem; border-radius: 6px; border: 1px solid #888;
  cursor: pointer; }}
button[value=allow] {{ background: #a857f1; color: #fff; border-color: #a857f1; }}
</style>
</head>
<body>
<main>
<p>Front (sandbox)</p>
"""

_CONSENT = """<h1>Authorize {app}</h1>
<p><strong>{app}</strong> asks for access to your Front company's shared resources.</p>
<form method="post" action="/oauth/authorize">
{hidden}
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
</main>
</body>
</html>
"""

_REFUSAL = """<h1>This authorization request cannot be answered</h1>
<p role="alert">{description} ({error})</p>
<p>Nothing was sent back to the app. Its developer must fix the request (or register the
redirect URI with the OAuth app).</p>
</main>
</body>
</html>
"""


def consent_page(app_name: str, request: Mapping[str, str]) -> str:
    """The consent page for one authorization request (every value HTML-escaped)."""
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{escape(request[name])}">'
        for name in FIELDS
        if request.get(name) is not None
    )
    head = _HEAD.format(title=f"Authorize {escape(app_name)}")
    return head + _CONSENT.format(app=escape(app_name), hidden=hidden)


def refusal_page(error: str, description: str) -> str:
    """The page an authorization request gets when it names an unknown client or a redirect
    URI the app did not register: the sandbox never redirects such a request (RFC 6749 4.1.2.1)."""
    body = _REFUSAL.format(error=escape(error), description=escape(description))
    return _HEAD.format(title="Authorization refused") + body
