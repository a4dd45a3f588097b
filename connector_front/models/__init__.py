"""Unified models: the record envelope and one fields model per unified model."""

from connector_front.models.base import UnifiedFields
from connector_front.models.generic_company import GenericCompanyFields
from connector_front.models.generic_contact import GenericContactFields
from connector_front.models.generic_user import GenericUserFields
from connector_front.models.generic_workspace import GenericWorkspaceFields
from connector_front.models.record import Record, RecordPage, RecordWarning, ResourceRef
from connector_front.models.ticket_comment import TicketCommentFields
from connector_front.models.ticket_issue import TagChanges, TicketIssueFields
from connector_front.models.ticket_project import TicketProjectFields

__all__ = [
    "GenericCompanyFields",
    "GenericContactFields",
    "GenericUserFields",
    "GenericWorkspaceFields",
    "Record",
    "RecordPage",
    "RecordWarning",
    "ResourceRef",
    "TagChanges",
    "TicketCommentFields",
    "TicketIssueFields",
    "TicketProjectFields",
    "UnifiedFields",
]
