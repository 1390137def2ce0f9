"""The shipped Slack app manifest asks for what the channel uses, and the channel's settings."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.channels.serve import configured_channels
from bot.channels.slack import SlackChannel
from bot.config import Settings

MANIFEST = Path(__file__).resolve().parents[1] / "slack-manifest.yaml"


def test_manifest_subscribes_to_the_events_and_scopes_the_channel_handles():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]

    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "message.channels", "message.groups"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "app_mentions:read",
        "chat:write",
        "im:history",
        "im:write",
        "channels:history",
        "groups:history",
        "channels:read",
        "users:read",
    } <= scopes


def test_slack_runs_when_its_bot_token_is_set(tmp_path: Path):
    without = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    with_token = Settings(data_dir=tmp_path, _env_file=None, slack_bot_token="xoxb-1")  # type: ignore[call-arg]

    assert SlackChannel not in configured_channels(without)
    assert SlackChannel in configured_channels(with_token)
