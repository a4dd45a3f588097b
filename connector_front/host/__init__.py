"""The reference host: the Morph-style HTTP surface over any loaded connector plugin."""

from connector_front.host.app import create_app
from connector_front.host.loader import load_connector

__all__ = ["create_app", "load_connector"]
