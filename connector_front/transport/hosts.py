"""Which URLs may carry the credentials: the configured API origin and Front's own hosts."""

from __future__ import annotations

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}
FRONT_HOST_SUFFIX = ".frontapp.com"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host.lower(), url.port or _DEFAULT_PORTS.get(url.scheme)


class HostPolicy:
    """Resolves API paths against the base URL and vets absolute URLs before they are used."""

    def __init__(self, base_url: str, *, front_suffix: str = FRONT_HOST_SUFFIX) -> None:
        base = httpx.URL(base_url)
        if base.scheme not in _DEFAULT_PORTS or not base.host:
            raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
        self.base = base.copy_with(query=None, fragment=None)
        self._base_path = base.path.rstrip("/")
        self._suffix = front_suffix.lower()
        # the base's origin as text: an API path is appended to it and parsed once (a join
        # parses three times), and a link that starts with it is on the base (read as text)
        self._root = f"{base.scheme}://{base.netloc.decode('ascii')}"
        self._prefix = f"{self._root}{self._base_path}/"

    def is_allowed(self, url: str | httpx.URL) -> bool:
        """True for the base URL's origin, or any ``https://*.frontapp.com`` host."""
        target = httpx.URL(url) if isinstance(url, str) else url
        if not target.is_absolute_url:
            return False
        if _origin(target) == _origin(self.base):
            return True
        host = target.host.lower()
        return target.scheme == "https" and host.endswith(self._suffix)

    def resolve(self, path: str) -> httpx.URL:
        """The full URL of an API ``path`` such as ``/contacts`` (absolute URLs are vetted)."""
        if "://" in path.split("?", 1)[0]:
            target = httpx.URL(path)
            if not self.is_allowed(target):
                raise ValueError(f"{target.host or path!r} is not Front's API host")
            return target
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError(f"an API path must start with a single '/', not {path!r}")
        target = httpx.URL(self._root + self._base_path + path)
        if _origin(target) != _origin(self.base):  # pragma: no cover - defensive
            raise ValueError(f"{path!r} escapes the API host")
        return target

    def api_path(self, url: httpx.URL) -> str:
        """The Front API path of ``url`` (no base path prefix, no query), for logs and hooks."""
        path = url.path
        if (
            self._base_path
            and _origin(url) == _origin(self.base)
            and path.startswith(self._base_path + "/")
        ):
            return path[len(self._base_path) :]
        return path

    def relative(self, link: str) -> str:
        """A link on the API base as an API path and query (``/contacts?page_token=…``).

        Other links are returned unchanged. A relative link survives a change of the base's
        host or port (the sandbox's port, say); :meth:`resolve` turns it back into a URL.
        """
        if link.startswith(self._prefix) and "#" not in link:
            return link[len(self._prefix) - 1 :]  # the base's scheme, host and port, as written
        try:
            url = httpx.URL(link)
        except httpx.InvalidURL:
            return link
        if not url.is_absolute_url or _origin(url) != _origin(self.base):
            return link
        path = url.path
        if self._base_path and not path.startswith(self._base_path + "/"):
            return link
        query = url.query.decode("ascii", "replace")
        return self.api_path(url) + (f"?{query}" if query else "")

    def __repr__(self) -> str:
        return f"HostPolicy({str(self.base)!r})"
