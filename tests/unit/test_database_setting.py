"""The ``database`` setting is checked at start: an unusable one is an error, never a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector_front.cli import main
from connector_front.cursor import cursor_keys
from connector_front.errors import ConfigurationError
from connector_front.settings import ConnectorSettings
from tests.conftest import quiet_port

UNUSABLE = ["mysql://db/front", ":memory:", "postgresql:/x", "sqlite://", "  "]


@pytest.mark.parametrize("database", UNUSABLE)
def test_an_unusable_database_is_refused_when_settings_load(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(env={"CONNECTOR_FRONT_DATABASE": database})
    message = caught.value.message
    assert "database (from CONNECTOR_FRONT_DATABASE)" in message
    assert "postgresql://" in message  # says what would work
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("database", ["mysql://db/front", ":memory:", "postgresql:/x"])
def test_serve_with_an_unusable_database_exits_with_the_message(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRONT_API_TOKEN", "unused")
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", database)
    assert main(["serve", "--port", "0"]) == 2  # a setting to fix: the command did not start
    err = capsys.readouterr().err
    assert "database (from CONNECTOR_FRONT_DATABASE)" in err
    assert list(tmp_path.iterdir()) == []


def test_the_workers_guide_shows_what_serve_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "workers.md"
    text = guide.read_text(encoding="utf-8")
    shown = text.split("$ CONNECTOR_FRONT_DATABASE=mysql://db/front", 1)[1].splitlines()[1]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", "mysql://db/front")
    monkeypatch.setenv("FRONT_API_TOKEN", "x")
    assert main(["serve"]) == 2
    assert capsys.readouterr().err.strip() == shown


def test_a_sqlite_url_keeps_the_cursor_key_beside_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = ConnectorSettings(database=f"sqlite:///{tmp_path / 'data' / 'front.sqlite3'}")
    assert cursor_keys(settings) == cursor_keys(settings)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "front.sqlite3.cursor-key"]


def test_postgresql_needs_a_shared_cursor_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = ConnectorSettings(database="postgresql://app@db/front")
    with pytest.raises(ConfigurationError, match="CONNECTOR_FRONT_CURSOR_KEY"):
        cursor_keys(settings)
    assert list(tmp_path.iterdir()) == []
    keyed = ConnectorSettings(database="postgresql://app@db/front", cursor_key="k" * 32)
    assert cursor_keys(keyed) == (b"k" * 32,)


def test_serve_says_at_once_when_the_postgresql_server_cannot_be_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("connector_front.store.postgres.CONNECT_TIMEOUT", 0.5)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRONT_API_TOKEN", "unused")
    monkeypatch.setenv("CONNECTOR_FRONT_CURSOR_KEY", "k" * 32)
    password = "s3cret-password"  # must never be shown
    monkeypatch.setenv(
        "CONNECTOR_FRONT_DATABASE", f"postgresql://app:{password}@127.0.0.1:{quiet_port()}/front"
    )
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to the PostgreSQL database postgresql://app@127.0.0.1:" in err
    assert password not in err
