"""The HTTP client to Front: typed errors, retries, pacing and host checks."""

from connector_front.transport.client import ClientStats, FrontClient, RequestHook
from connector_front.transport.errors import FrontErrorBody, error_for_response
from connector_front.transport.hosts import FRONT_HOST_SUFFIX, HostPolicy
from connector_front.transport.lanes import BACKGROUND, LANES, Lane, current_lane, lane
from connector_front.transport.pacing import LaneRules, Pacer, RateLimitInfo
from connector_front.transport.retry import (
    RETRY_STATUSES,
    SAFE_METHODS,
    RetryPolicy,
    parse_reset,
    parse_retry_after,
)

__all__ = [
    "BACKGROUND",
    "FRONT_HOST_SUFFIX",
    "LANES",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "ClientStats",
    "FrontClient",
    "FrontErrorBody",
    "HostPolicy",
    "Lane",
    "LaneRules",
    "Pacer",
    "RateLimitInfo",
    "RequestHook",
    "RetryPolicy",
    "current_lane",
    "error_for_response",
    "lane",
    "parse_reset",
    "parse_retry_after",
]
