"""The code of CLI commands, one module each; ``connector_front.cli`` registers them."""
