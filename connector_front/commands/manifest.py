"""``connector-front manifest``: the connector manifest as JSON, or its coverage and
event tables (``--markdown``), as the README and the site's coverage page show them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from connector_front.commands.help import add_command
from connector_front.commands.targets import config_settings


def register(commands: Any) -> None:
    """Add ``manifest`` to the CLI's sub-commands."""
    manifest = add_command(commands, "manifest", "print the connector manifest (JSON)")
    manifest.add_argument(
        "--markdown", action="store_true", help="print the coverage table for the README instead"
    )
    manifest.add_argument(
        "--config",
        type=Path,
        default=None,
        help="settings file: adds its custom_models and its declared keys (field_mapping, "
        "field_keys)",
    )
    manifest.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from connector_front.dev.coverage import events_section, readme_section
    from connector_front.field_mapping.declared import declarations
    from connector_front.manifest import build_manifest
    from connector_front.registry import ModelRegistry, load_mapper

    registry = ModelRegistry()
    settings = config_settings(args)
    declared = None
    if settings is not None:
        for spec in settings.custom_models:
            registry.register(load_mapper(spec, settings.module_dirs))
        fields_of = registry.field_annotations()
        declared = declarations(settings.field_mapping, settings.field_keys, fields_of)
    manifest = build_manifest(registry, declared)
    if args.markdown:
        print(readme_section(manifest))
        print()
        print(events_section())
    else:
        print(json.dumps(manifest.model_dump(mode="json"), indent=2))
    return 0
