"""Front's webhooks in: signature checks, the validation challenge, the durable intake queue."""

from connector_front.webhooks.intake import IntakeAnswer, WebhookIntake
from connector_front.webhooks.queue import Delivery, DeliveryQueue
from connector_front.webhooks.verify import (
    WebhookRejected,
    verify_application,
    verify_rule,
)

__all__ = [
    "Delivery",
    "DeliveryQueue",
    "IntakeAnswer",
    "WebhookIntake",
    "WebhookRejected",
    "verify_application",
    "verify_rule",
]
