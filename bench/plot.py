"""Plot listing time against N for each client, from bench_clients' JSON figures.

python bench/plot.py bench/results/clients.json --out docs/explanation/listing.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt

CLIENT_LABELS = {
    "connector": "connector (unified genericContact)",
    "dlt": "dlt rest_api source",
    "httpx": "bare httpx loop",
    "httpx-async": "bare httpx loop (AsyncClient)",
}


def series(figures: dict[str, Any]) -> dict[str, list[tuple[int, float]]]:
    """(records, wall seconds) per client for the contact listings, by size."""
    points: dict[str, list[tuple[int, float]]] = {}
    for run in figures["runs"]:
        if run["collection"] == "contacts":
            points.setdefault(run["client"], []).append((run["records"], run["wall_s"]))
    return {client: sorted(values) for client, values in points.items()}


def bound_line(figures: dict[str, Any]) -> list[tuple[int, float]]:
    """The rate limit's bound for the connector's runs (requests / rate), when there is one."""
    return sorted(
        (run["records"], run["bound_s"])
        for run in figures["runs"]
        if run["collection"] == "contacts" and run["client"] == "connector" and run["bound_s"]
    )


def plot(figures: dict[str, Any], out: Path) -> None:
    fig, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    for client, points in series(figures).items():
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, marker="o", label=CLIENT_LABELS.get(client, client))
    bound = bound_line(figures)
    if bound:
        xs, ys = zip(*bound, strict=True)
        settings = figures["settings"]
        rate = settings["rate_limit"] / settings["rate_window_s"]
        axes.plot(xs, ys, linestyle="--", color="grey", label=f"rate bound ({rate:g} requests/s)")
    machine = figures["machine"]
    axes.set_title(f"Full contact listing, sandbox Front ({machine['date']})")
    axes.set_xlabel("contacts listed (N)")
    axes.set_ylabel("wall time (s)")
    axes.grid(True, alpha=0.3)
    axes.legend()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures", type=Path, help="bench_clients.py's JSON file")
    parser.add_argument("--out", type=Path, default=Path("docs/explanation/listing.png"))
    args = parser.parse_args(argv)
    plot(json.loads(args.figures.read_text()), args.out)
    print(f"plot written to {args.out}")


if __name__ == "__main__":
    main()
