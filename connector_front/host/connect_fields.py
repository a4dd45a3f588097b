"""The connect page's "match your fields" step: for each key the host declared, a choice of
the customer's own Front custom fields of a suitable type, or "Not used".

Built from a connection's field mapping (``GET /connections/{ownerId}/field-mapping``'s
answer): what each key maps to now is selected (the owner's choice, else the host's default
where the customer's account has that field). Saving posts one ``map.<model>.<key>`` per key;
skipping changes nothing. Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

KINDS: Mapping[str, str] = {
    "string": "text",
    "number": "a number",
    "boolean": "yes or no",
    "datetime": "a date and time",
    "enum": "a choice",
    "teammate": "a teammate",
    "inbox": "an inbox",
}
"""Front custom field type -> what a customer calls what it holds."""

FIELD_PREFIX = "map."
"""Form field names: ``map.<model>.<key>``, valued with a Front custom field id or ""."""


def field_said(field: Mapping[str, Any]) -> str:
    """``Priority (a choice: Low, High)``, as an option shows a Front custom field."""
    kind = KINDS.get(str(field.get("type")), str(field.get("type")))
    values = field.get("values")
    if values:
        kind = f"{kind}: {', '.join(str(v) for v in values)}"
    return f"{field['name']} ({kind})"


def _options(key: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]) -> str:
    mapped = key.get("mappedTo") or {}
    selected = mapped.get("id")
    rows = [f'<option value=""{"" if selected else " selected"}>Not used</option>']
    for ident in key.get("choices", []):
        field = fields.get(ident)
        if field is None:
            continue
        mark = " selected" if ident == selected else ""
        rows.append(f'<option value="{escape(ident)}"{mark}>{escape(field_said(field))}</option>')
    return "".join(rows)


def _hint(key: Mapping[str, Any]) -> str:
    """What the key holds, its suggested field, or why it reads nothing now."""
    if key.get("problem") and key.get("source") == "owner":
        return "The field chosen before was deleted or no longer fits: choose another."
    if key.get("problem"):
        return (
            f'The suggested field "{key.get("default")}" is not in your account or does not '
            "fit: choose another, or Not used."
        )
    kind = KINDS.get(str(key.get("type")), "")
    values = key.get("values")
    holds = f"Holds {kind}" + (f" ({', '.join(values)})" if values else "") if kind else ""
    default = key.get("default")
    suggested = f'Suggested: your field "{default}".' if default else ""
    if holds:
        holds += "."
    return " ".join(part for part in (holds, suggested) if part)


def fields_form(
    mapping: Mapping[str, Any],
    labels: Mapping[str, str],
    hidden: str,
    app: str,
    front: str,
) -> str:
    """The step's card (``labels``: model -> what the customer calls it, for the models to
    show; ``hidden``: the form's session and form token fields); empty without any key."""
    groups: list[str] = []
    index = 0
    for model, label in labels.items():
        answer = mapping.get("models", {}).get(model)
        if not answer or not answer.get("keys"):
            continue
        fields = {f["id"]: f for f in answer.get("customFields", [])}
        rows = []
        for key, described in answer["keys"].items():
            ident = f"map-{index}"
            index += 1
            rows.append(
                f'<div class="field-choice"><label for="{ident}">{escape(described["label"])}'
                f'</label><select id="{ident}" name="{FIELD_PREFIX}{escape(model)}.{escape(key)}"'
                f' aria-describedby="{ident}-hint">{_options(described, fields)}</select>'
                f'<span class="detail" id="{ident}-hint">{escape(_hint(described))}</span></div>'
            )
        groups.append(
            f"<fieldset><legend>{escape(label[:1].upper() + label[1:])}</legend>"
            f"{''.join(rows)}</fieldset>"
        )
    if not groups:
        return ""
    return (
        '<section class="card" aria-labelledby="fields-heading" id="fields">'
        '<h2 id="fields-heading">Match your fields</h2>'
        f"<p>{escape(app[:1].upper() + app[1:])} keeps some details in your {escape(front)} "
        "custom fields. Choose the field of yours that holds each one, or Not used. This step "
        "is optional: you can skip it and come back to this page to change it later.</p>"
        f'<form id="map-fields" method="post" action="/connect">{hidden}{"".join(groups)}'
        '<div class="actions"><button type="submit" class="primary" name="action" '
        'value="map_fields" id="map-button">Save fields</button>'
        '<button type="submit" name="action" value="skip_fields" id="skip-fields">'
        "Skip for now</button></div></form></section>"
    )


def chosen_fields(
    current: Mapping[str, Mapping[str, str | None]], form: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, str | None]]:
    """The owner's new choices: ``current`` (the models the form does not show keep theirs),
    with every ``map.<model>.<key>`` of the form ("" -> None: not used)."""
    body = {model: dict(keys) for model, keys in current.items()}
    shown: dict[str, dict[str, str | None]] = {}
    for name, values in form.items():
        if not name.startswith(FIELD_PREFIX):
            continue
        model, _, key = name[len(FIELD_PREFIX) :].partition(".")
        value = next(iter(values), "")
        shown.setdefault(model, {})[key] = value or None
    return {**body, **shown}
