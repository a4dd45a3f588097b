"""One mapper per unified model: Front JSON <-> unified fields, and the Front endpoints used.

Installed as ``connector_front.mappers``. Mappers never import transport, host or sandbox:
they reach Front only through the small :class:`FrontApi` protocol.
"""

from connector_front.paging import FrontPage

from .base import CollectionMapper, FrontApi, ListQuery, MappedList, Mapper, Unified
from .generic_company import CompanyMapper
from .generic_contact import ContactMapper
from .generic_user import UserMapper
from .generic_workspace import WorkspaceMapper
from .ticket_comment import CommentMapper
from .ticket_issue import IssueMapper
from .ticket_project import ProjectMapper

BUILTIN_MAPPERS: tuple[type[Mapper], ...] = (
    ContactMapper,
    CompanyMapper,
    UserMapper,
    WorkspaceMapper,
    ProjectMapper,
    IssueMapper,
    CommentMapper,
)
"""Every mapper shipped with the connector, in manifest order."""

__all__ = [
    "BUILTIN_MAPPERS",
    "CollectionMapper",
    "CommentMapper",
    "CompanyMapper",
    "ContactMapper",
    "FrontApi",
    "FrontPage",
    "IssueMapper",
    "ListQuery",
    "MappedList",
    "Mapper",
    "ProjectMapper",
    "Unified",
    "UserMapper",
    "WorkspaceMapper",
]
