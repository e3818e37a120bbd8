"""``referat run`` started as a user would: a real process, configured only by its environment."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.runner import run
from tests.helpers import (
    BOT_USER_ID,
    REPO,
    SIGNING_SECRET,
    SLACK_TOKEN,
    SlackStub,
    event_body,
    free_port,
    post_signed,
    referat_env,
    wait_until_listening,
)


@pytest.fixture
def bot_process(
    slack_stub: SlackStub, sample_store_path: Path
) -> Iterator[tuple[int, subprocess.Popen]]:
    port = free_port()
    env = referat_env(
        SLACK_API_URL=slack_stub.api_url,
        SLACK_BOT_TOKEN=SLACK_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT=str(port),
        REFERAT_DB=str(sample_store_path),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_until_listening(port, proc)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_referat_run_answers_a_signed_mention(slack_stub: SlackStub,
                                              bot_process: tuple[int, subprocess.Popen]) -> None:
    port, proc = bot_process
    event = {"type": "app_mention", "user": "U0ASKER", "channel": "C0GENERAL",
             "ts": "1700003000.000100",
             "text": f"<@{BOT_USER_ID}> what was decided on the plaster scheme?"}
    reply = post_signed(f"http://127.0.0.1:{port}", event_body(event), SIGNING_SECRET)
    assert reply.status == 200

    answers = [b for b in slack_stub.wait_for("chat.postMessage", timeout=15)
               if b.get("thread_ts")]
    [answer] = answers
    assert answer["channel"] == "C0GENERAL"
    assert answer["thread_ts"] == "1700003000.000100"
    assert "18-034639K" in answer["text"] and "Godkendt" in answer["text"]

    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, output
    assert "surface=mention" in output
    assert SLACK_TOKEN not in output and SIGNING_SECRET not in output


def test_referat_run_without_tokens_is_the_console_chat(sample_store_path: Path) -> None:
    env = referat_env(REFERAT_DB=str(sample_store_path))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, input="18-034639K\nquit\n",
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Godkendt" in done.stdout and "18-034639K" in done.stdout


def test_http_mode_needs_the_signing_secret(sample_store_path: Path) -> None:
    settings = Settings(db_path=sample_store_path, slack_bot_token=SLACK_TOKEN)
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        run(settings)
