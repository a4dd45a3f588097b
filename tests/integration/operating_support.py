"""Reading a host's ``/metrics`` in tests: parsed with prometheus-client's own text parser."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

Key = tuple[str, frozenset[tuple[str, str]]]


@dataclass(frozen=True)
class Scrape:
    """Every sample of one scrape, by name and labels."""

    samples: dict[Key, float]
    names: frozenset[str]
    """Every sample name it holds (``_total``, ``_bucket``... included)."""

    @classmethod
    def parse(cls, text: str) -> Scrape:
        samples: dict[Key, float] = defaultdict(float)
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples[(sample.name, frozenset(sample.labels.items()))] += sample.value
        return cls(dict(samples), frozenset(name for name, _ in samples))

    def value(self, name: str, **labels: str) -> float:
        """The sum of ``name``'s samples that have ``labels`` (others may differ)."""
        wanted = set(labels.items())
        return sum(v for (n, found), v in self.samples.items() if n == name and wanted <= found)

    def by(self, name: str, label: str) -> dict[str, float]:
        found: dict[str, float] = defaultdict(float)
        for (n, labels), v in self.samples.items():
            if n == name:
                found[dict(labels).get(label, "")] += v
        return dict(found)


def moved(after: Scrape, before: Scrape, name: str, **labels: str) -> float:
    """How far ``name`` (its samples with ``labels``) moved between two scrapes."""
    return after.value(name, **labels) - before.value(name, **labels)


def moved_by(after: Scrape, before: Scrape, name: str, label: str) -> dict[str, float]:
    """How far each value of ``label`` of ``name`` moved (those that did)."""
    then, now = before.by(name, label), after.by(name, label)
    return {k: v - then.get(k, 0.0) for k, v in now.items() if v != then.get(k, 0.0)}
