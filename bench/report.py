"""The benchmark tables of the documentation, generated from the benchmarks' JSON figures.

    python bench/report.py bench/results/*.json --page docs/explanation/benchmarks.md

Prints the Markdown, or (with --page) writes it into that page between the markers
`<!-- bench:begin -->` and `<!-- bench:end -->`, so the tables always come from one run's files.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PAGE = "docs/explanation/benchmarks.md"
"""The page the tables are written into."""
PLOT = "docs/explanation/listing.png"
"""The plot ``make bench`` draws, beside the page (which links it by its name)."""
PLACEHOLDER = (
    "_No results yet: the tables and the plot appear here after `make bench` "
    f"(bench/results/*.json, {PLOT})._"
)


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _machine(machine: dict[str, Any]) -> str:
    memory = f", {machine['memory_gib']} GiB" if machine.get("memory_gib") else ""
    return (
        f"Measured {machine['date']} on {machine['cpus']} cores ({machine['cpu_model']}){memory}, "
        f"Python {machine['python']}, {machine['system']}."
    )


def clients_section(figures: dict[str, Any]) -> list[str]:
    settings = figures["settings"]
    limit = settings["rate_limit"]
    rate = f"{limit} requests per {settings['rate_window_s']:g} s" if limit else "no rate limit"
    repeat = settings.get("repeat", 1)
    walks = (
        f"; each figure the median of {repeat} walks per client, taken in turns (429s: the most "
        "in any walk)"
        if repeat > 1
        else ""
    )
    lines = [
        f"**Full listing** (sandbox limit: {rate}; 100 records per page{walks}; memory: "
        f"{settings['memory']}; dlt: {settings['dlt']}):",
        "",
    ]
    header: tuple[str, ...] = (
        "listing", "client", "records", "wall s", "wall / bound", "requests / record",
        "429s", "CPU s / 10k", "peak MiB", "growth MiB",
    )  # fmt: skip
    rows = [
        [
            f"{run['collection']} ({run['size']:,})" if run.get("size") else run["collection"],
            run["client"],
            _number(run["records"]),
            _number(run["wall_s"]),
            _number(run["wall_over_bound"]),
            _number(run["requests_per_record"], 2),
            _number(run["sandbox_429s"]),
            _number(run["cpu_per_10k_s"]),
            _number(run["rss_peak_mib"]),
            _number(run["rss_growth_mib"], 2),
        ]
        for run in figures["runs"]
    ]
    lines += _table(header, rows)
    lines += ["", "**Mapping against json.loads** (same pages, in one process, best of 3):", ""]
    header = ("model", "records", "json.loads s", "mapping s", "mapping / json.loads")
    rows = [
        [
            cost["model"],
            _number(cost["records"]),
            _number(cost["json_loads_s"]),
            _number(cost["mapping_s"]),
            _number(cost["mapping_over_json_loads"]),
        ]
        for cost in figures["mapping"]
    ]
    lines += [*_table(header, rows), "", *targets(figures["runs"])]
    return [*lines, "", f"![Listing time against N]({Path(PLOT).name})"]


def targets(runs: Sequence[dict[str, Any]]) -> list[str]:
    """The connector's contact listings against the targets: at the bound with no 429s, CPU
    within 2x of the bare httpx loop, memory flat as N grows."""
    mine = [r for r in runs if r["collection"] == "contacts" and r["client"] == "connector"]
    if not mine:
        return []
    lines = ["Connector, contact listings:", ""]
    worst = max((r["wall_over_bound"] for r in mine if r["wall_over_bound"]), default=None)
    limited = sum(r["sandbox_429s"] for r in mine)  # with repeats: the most of any walk
    lines.append(
        f"- wall / bound at most {_number(worst)} (target 1.05), {limited} 429s (target 0)"
    )
    for client, what in (("httpx", "bare httpx loop"), ("httpx-async", "bare AsyncClient loop")):
        ratio = _cpu_ratio(mine, runs, client)
        if ratio is not None:
            lines.append(f"- CPU per record at most {_number(ratio)}x the {what} (target 2)")
    if len(mine) > 1:
        small, large = min(mine, key=lambda r: r["size"]), max(mine, key=lambda r: r["size"])
        lines.append(
            f"- peak memory {_number(small['rss_peak_mib'])} MiB at {small['records']:,} records, "
            f"{_number(large['rss_peak_mib'])} MiB at {large['records']:,} (target: flat)"
        )
    return lines


def _cpu_ratio(
    mine: Sequence[dict[str, Any]], runs: Sequence[dict[str, Any]], client: str
) -> float | None:
    """The connector's largest CPU per record over ``client``'s, size by size."""
    bare = {r["size"]: r for r in runs if r["collection"] == "contacts" and r["client"] == client}
    ratios = [
        r["cpu_per_10k_s"] / bare[r["size"]]["cpu_per_10k_s"]
        for r in mine
        if r["size"] in bare and r["cpu_per_10k_s"] and bare[r["size"]]["cpu_per_10k_s"]
    ]
    return max(ratios) if ratios else None


def webhooks_section(figures: dict[str, Any]) -> list[str]:
    header = (
        "offered / s", "sent", "accepted / s", "p50 ms", "p99 ms", "errors", "processed / s",
    )  # fmt: skip
    rows = [
        [
            _number(run["offered_per_s"]),
            _number(run["sent"]),
            _number(run["accepted_per_s"]),
            _number(run["p50_ms"]),
            _number(run["p99_ms"]),
            _number(run["errors"]),
            _number(run["processed_per_s"]),
        ]
        for run in figures["runs"]
    ]
    title = "**Webhook intake** (signed deliveries, verified and stored, `serve --sandbox`):"
    return [title, "", *_table(header, rows)]


def sync_section(figures: dict[str, Any]) -> list[str]:
    header = ("pass", "contacts", "seconds", "pages", "records", "updated events")
    rows = [
        [
            run["pass"],
            _number(run["contacts"]),
            _number(run["seconds"]),
            _number(run["pages"]),
            _number(run["records"]),
            _number(run["updated"]),
        ]
        for run in figures["runs"]
    ]
    changes = figures["settings"]["changes"]
    title = f"**Event sync** (genericContact; {changes:,} contacts changed before the 2nd pass):"
    return [title, "", *_table(header, rows)]


def budget_section(figures: dict[str, Any]) -> list[str]:
    settings = figures["settings"]
    header = (
        "mode", "messages", "background requests", "per message", "queue empty after s",
        "event lag p50 / p99 s", "listing p50 / p99 / max s", "429s",
    )  # fmt: skip
    rows = [
        [
            f"`{run['mode']}`",
            _number(run["messages"]),
            _number(run["background"]),
            _number(run["background_per_message"]),
            _number(run["queue_empty_after_s"]),
            f"{_number(run['lag_p50_s'])} / {_number(run['lag_p99_s'])}",
            " / ".join(_number(run[f"listing_{k}_s"]) for k in ("p50", "p99", "max")),
            _number(run["rate_limited"]),
        ]
        for run in figures["runs"]
    ]
    title = (
        f"**Busy inbox within Front's budget** (`serve --sandbox` at {settings['rate_limit']} "
        f"requests per {settings['rate_window_s']:g} s; {settings['rate_per_s']:g} inbound "
        f"messages a second for {settings['seconds']:g} s over {settings['conversations']} "
        f"conversations; a listing every {settings['listing_every_s']:g} s):"
    )
    lines = [title, "", *_table(header, rows)]
    mine = [run for run in figures["runs"] if run["mode"] == "events_api"]
    for run in mine:
        lines += [
            "",
            f"- background requests per message {_number(run['background_per_message'])} "
            "(target 0.1, at most 0.5)",
            f"- queue empty {_number(run['queue_empty_after_s'])} s after the last message "
            "(at most 120 s)",
            f"- longest listing {_number(run['listing_max_s'])} s (target 1 s, at most 5 s)",
        ]
    return lines


SECTIONS = {
    "clients": clients_section,
    "webhooks": webhooks_section,
    "sync": sync_section,
    "budget": budget_section,
}
"""Each benchmark's section, in the page's order."""


def render(paths: Sequence[Path]) -> str:
    """The Markdown between the markers for these JSON files (the placeholder for none)."""
    found: dict[str, dict[str, Any]] = {}
    for path in paths:
        figures = json.loads(path.read_text())
        if figures.get("benchmark") in SECTIONS:
            found[figures["benchmark"]] = figures
    if not found:
        return PLACEHOLDER
    present = [name for name in SECTIONS if name in found]
    first = found[present[0]]["machine"]
    lines = [_machine(first)]
    for name in present:
        machine = found[name]["machine"]
        # a benchmark run on another day (or machine) says so above its own tables
        own = [_machine(machine), ""] if _run_apart(machine, first) else []
        lines += ["", *own, *SECTIONS[name](found[name])]
    return "\n".join(lines)


def _run_apart(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two runs were on different days or machines (minutes apart are one run)."""

    def day_and_machine(machine: dict[str, Any]) -> dict[str, Any]:
        return {**machine, "date": str(machine.get("date", ""))[:10]}

    return day_and_machine(one) != day_and_machine(other)


def replace_between_markers(text: str, body: str) -> str:
    """`text` with what lies between the markers replaced by `body`."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"the page has no {BEGIN} ... {END} block")
    return text[: start + len(BEGIN)] + "\n" + body + "\n" + text[end:]


def between_markers(text: str) -> str:
    """What lies between the markers (without the newlines that frame it)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {BEGIN} ... {END} block")
    return text[start + len(BEGIN) : end].strip("\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figures", type=Path, nargs="*", help="the benchmarks' JSON files")
    parser.add_argument("--page", type=Path, default=None, help=f"write into this page ({PAGE})")
    args = parser.parse_args(argv)
    body = render(args.figures)
    if args.page is None:
        print(body)
        return
    args.page.write_text(replace_between_markers(args.page.read_text(), body))
    print(f"benchmark tables written into {args.page}")


if __name__ == "__main__":
    main()
