"""The benchmark scripts run (tiny sizes) and print the JSON figures the documentation quotes.

Sizes here are tiny and nothing is timed: the tests check that each benchmark measures what
it says (every client lists every record, every delivery is accepted, the changes come back
as events) and that the benchmarks page's tables are the ones its JSON files give.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"

_spec = importlib.util.spec_from_file_location("bench_report", BENCH / "report.py")
assert _spec is not None and _spec.loader is not None
report = importlib.util.module_from_spec(_spec)  # bench/ is a folder of scripts, not a package
_spec.loader.exec_module(report)


def run_script(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )


def figures_of(script: str, *args: str) -> Any:
    done = run_script(script, *args, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("bench_unified.py", ["--mapped", "50", "--contacts", "30"]),
        ("bench_listing.py", ["--contacts", "30", "--json"]),
    ],
)
def test_a_benchmark_prints_its_figures(script: str, args: list[str]) -> None:
    done = run_script(script, *args)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert isinstance(figures, dict) and figures


@pytest.fixture(scope="module")
def clients_figures() -> Any:
    """bench_clients at tiny sizes: 150 contacts and 4 conversations, and 120 contacts; two
    walks per client and listing."""
    return figures_of(
        "bench_clients.py",
        *("--contacts", "150", "--conversations", "4", "--sizes", "120"),
        *("--rate-limit", "1000", "--rate-window", "1", "--repeat", "2"),
    )


def test_every_client_lists_every_record(clients_figures: Any) -> None:
    runs = clients_figures["runs"]
    listings = {(run["collection"], run["size"]) for run in runs}
    assert listings == {("contacts", 150), ("contacts", 120), ("conversations", 4)}
    for collection, size in listings:
        done = {r["client"]: r for r in runs if (r["collection"], r["size"]) == (collection, size)}
        assert set(done) == {"connector", "dlt", "httpx", "httpx-async"}
        counts = {client: run["records"] for client, run in done.items()}
        assert len(set(counts.values())) == 1, f"{collection} ({size}): {counts}"
        assert counts["httpx"] >= size  # the seeded ones, and the sandbox's own
        for run in done.values():
            assert run["requests"] >= run["records"] / 100  # pages of at most 100
            assert run["sandbox_429s"] == 0  # the limit (1,000 a second) is never reached
            assert run["bound_s"] > 0 and run["cpu_s"] > 0 and run["rss_peak_mib"] > 0


def test_each_figure_is_the_median_of_the_walks_and_429s_the_most(clients_figures: Any) -> None:
    assert clients_figures["settings"]["repeat"] == 2
    for run in clients_figures["runs"]:
        walks = run["walks"]
        assert run["repeats"] == len(walks) == 2
        assert {walk["client"] for walk in walks} == {run["client"]}
        for name in ("cpu_per_10k_s", "wall_s", "rss_peak_mib", "requests"):
            assert run[name] == pytest.approx(sum(walk[name] for walk in walks) / 2), name
        assert run["sandbox_429s"] == max(walk["sandbox_429s"] for walk in walks)
        assert all(walk["records"] == run["records"] for walk in walks)


def test_contacts_are_one_request_a_page_for_every_client(clients_figures: Any) -> None:
    for run in clients_figures["runs"]:
        if run["collection"] == "contacts":
            pages = -(-run["records"] // 100)
            assert pages <= run["requests"] <= pages + 1, run


def test_mapping_is_timed_against_json_loads(clients_figures: Any) -> None:
    costs = {cost["model"]: cost for cost in clients_figures["mapping"]}
    assert set(costs) == {"genericContact", "ticketIssue"}
    contacts = [r for r in clients_figures["runs"] if r["collection"] == "contacts"]
    assert costs["genericContact"]["records"] == max(r["records"] for r in contacts)
    assert all(cost["json_loads_s"] > 0 and cost["mapping_s"] > 0 for cost in costs.values())


def test_plot_is_a_png(clients_figures: Any, tmp_path: Path) -> None:
    source, out = tmp_path / "clients.json", tmp_path / "listing.png"
    source.write_text(json.dumps(clients_figures))
    done = run_script("plot.py", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_webhook_intake_accepts_every_signed_delivery() -> None:
    figures = figures_of("bench_webhooks.py", "--rate", "20,30", "--seconds", "1")
    assert [run["sent"] for run in figures["runs"]] == [20, 30]
    for run in figures["runs"]:
        assert run["accepted"] == run["sent"] and run["errors"] == 0, run["error_kinds"]
        assert run["processed"] == run["sent"] and run["pending_after_s"] == 0
        assert run["events"] == run["sent"]  # each its own event id: one event each
        assert run["p99_ms"] >= run["p50_ms"] > 0


def test_sync_passes_find_the_changes() -> None:
    figures = figures_of("bench_sync.py", "--contacts", "120", "--changes", "3")
    passes = {run["pass"]: run for run in figures["runs"]}
    assert list(passes) == ["baseline", "after_changes", "full"]
    baseline, after, full = passes["baseline"], passes["after_changes"], passes["full"]
    assert baseline["records"] >= 120 and baseline["created"] == 0
    assert after["changed"] == 3 and after["updated"] == 3
    assert full["records"] == baseline["records"] and full["deleted"] == 0


def test_the_owners_benchmark_calls_the_host_once_per_owner() -> None:
    figures = figures_of("bench_owners.py", "--owners", "30", "--max-clients", "10")
    row = figures["owners"]
    assert row["answers"] == {"200": 30 + 20}  # the warm-up's 20 owners, then 30 new ones
    assert row["rss_after_mib"] > 0 and row["max_clients"] == 10
    growth = row["rss_after_mib"] - row["rss_before_mib"]
    assert row["growth_mib"] == pytest.approx(growth, abs=0.11)


def test_report_renders_every_benchmark(clients_figures: Any, tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    path.write_text(json.dumps(clients_figures))
    text = report.render([path])
    assert text.startswith("Measured ")
    listing_rows = [line for line in text.splitlines() if line.startswith("| contacts (")]
    assert len(listing_rows) == 8  # two sizes, four clients
    (plot,) = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert (Path(report.PAGE).parent / plot).as_posix() == report.PLOT, "the page shows the plot"


def test_the_pages_tables_match_the_results_files() -> None:
    """The benchmarks page's block is what report.py renders from bench/results/*.json (the
    placeholder when there are none): rerun `python bench/report.py bench/results/*.json
    --page docs/explanation/benchmarks.md` after `make bench`."""
    files = sorted((BENCH / "results").glob("*.json"))
    page = (REPO / report.PAGE).read_text(encoding="utf-8")
    assert report.between_markers(page) == report.render(files)
    if files:
        assert (REPO / report.PLOT).exists(), "make bench writes the plot beside the figures"


def test_report_replaces_only_the_block() -> None:
    text = f"before\n{report.BEGIN}\nold\n{report.END}\nafter\n"
    assert report.replace_between_markers(text, "new") == (
        f"before\n{report.BEGIN}\nnew\n{report.END}\nafter\n"
    )


def test_a_client_reports_its_own_peak_memory_not_its_parents() -> None:
    """The child's peak must not inherit the parent's: ru_maxrss does, across fork and exec."""
    ballast = b"x" * (300 * 1024 * 1024)  # this process's peak is now above 300 MiB
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import clients; print(clients.maxrss_mib())"],
            cwd=BENCH,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        del ballast
    assert float(done.stdout) < 150


def test_a_busy_inbox_is_measured_in_both_modes() -> None:
    """bench_budget at a tiny size: 8 messages over 5 conversations at Front's limit; every
    message's events logged, and the Events API's reads cheaper than one per delivery."""
    figures = figures_of(
        "bench_budget.py",
        *("--rate", "4", "--seconds", "2", "--conversations", "5", "--listing-every", "1"),
    )
    runs = {run["mode"]: run for run in figures["runs"]}
    assert list(runs) == ["events_api", "per_delivery"]
    for run in runs.values():
        assert run["messages"] == 8 and run["rate_limited"] == 0
        assert run["listings"] >= 1 and run["listing_errors"] == 0
        assert run["lag_p99_s"] >= run["lag_p50_s"] > 0
    events_api, one_by_one = runs["events_api"], runs["per_delivery"]
    assert events_api["background_by_endpoint"].get("GET /events", 0) >= 1
    assert events_api["background"] < one_by_one["background"]
