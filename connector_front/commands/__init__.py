"""The CLI's commands, one module each; ``connector_front.cli`` registers them."""
