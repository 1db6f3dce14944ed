"""The command line's argument handling and masking, without a site."""

from __future__ import annotations

import json

from bot.fluentbooking.cli import main, mask_settings


def test_usage_errors_exit_2_plain_and_1_with_json(monkeypatch, capsys):
    monkeypatch.delenv("FLUENTBOOKING_URL", raising=False)
    assert main(["events"]) == 2
    assert "FLUENTBOOKING_URL" in capsys.readouterr().err
    assert main(["events", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["kind"] == "usage" and "FLUENTBOOKING_URL" in out["error"]["message"]
    assert main(["frobnicate", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["kind"] == "usage"


def test_integration_values_are_masked():
    masked = mask_settings(
        {
            "client_secret": "GOCSPX-abcdefghijkl",
            "api_key": "k" * 12 + "WXYZ",
            "mystery": "something-long-1234",
            "enabled": "yes",
            "connected": True,
            "nested": {"token": "tok-aaaaaaaaaa9876"},
        }
    )
    assert masked["client_secret"] == "********ijkl"
    assert masked["api_key"] == "********WXYZ"
    assert masked["mystery"] == "********1234"
    assert masked["enabled"] == "yes" and masked["connected"] is True
    assert masked["nested"] == {"token": "********9876"}
