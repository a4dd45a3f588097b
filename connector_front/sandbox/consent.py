"""Front's consent screen, as the sandbox plays it: the app's name, Allow and Deny.

Shown by `GET /oauth/authorize` when the sandbox runs with `interactive_consent`; the
form posts the same authorization request back with the customer's decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

FIELDS = ("client_id", "redirect_uri", "response_type", "state")
"""The authorization request's parameters the form carries back."""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize {app} - Front (sandbox)</title>
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
<h1>Authorize {app}</h1>
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


def consent_page(app_name: str, request: Mapping[str, str]) -> str:
    """The consent page for one authorization request (every value HTML-escaped)."""
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{escape(request[name])}">'
        for name in FIELDS
        if request.get(name) is not None
    )
    return _PAGE.format(app=escape(app_name), hidden=hidden)
