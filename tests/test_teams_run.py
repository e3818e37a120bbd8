"""``referat run --mode teams`` started as an administrator would: a real process configured
only by its environment, answering a signed mention and refusing an unsigned one."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, free_port, referat_env, wait_until_listening
from tests.teams_helpers import channel_message, post_activity
from tests.teams_stub import APP_ID, APP_PASSWORD, TENANT, TeamsStub


def test_run_mode_teams_serves_api_messages(sample_store_path: Path) -> None:
    port = free_port()
    with TeamsStub() as stub:
        env = referat_env(
            REFERAT_DB=str(sample_store_path), PORT=str(port), TEAMS_HOST="127.0.0.1",
            TEAMS_APP_ID=APP_ID, TEAMS_APP_PASSWORD=APP_PASSWORD, TEAMS_TENANT_ID=TENANT,
            TEAMS_OPENID_METADATA_URL=stub.openid_url, TEAMS_LOGIN_URL=stub.login_url,
            TEAMS_SERVICE_URL=stub.service_url, TEAMS_NOTIFY_CHANNEL="",
        )
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--mode", "teams"],
                                cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            wait_until_listening(port, proc)
            base = f"http://127.0.0.1:{port}"
            mention = channel_message(stub, "plasterordningen", mention=True)
            assert post_activity(base, mention, None)[0] == 401
            assert post_activity(base, mention, stub.sign())[0] == 200
            [reply] = stub.wait_for(1)
            assert "Godkendt." in reply.text and "18-034639K" in reply.text
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, output
    assert "serving Teams on 127.0.0.1" in output
    assert APP_PASSWORD not in output and "outgoing-access-token" not in output


def test_run_mode_teams_needs_the_app_credentials(sample_store_path: Path) -> None:
    env = referat_env(REFERAT_DB=str(sample_store_path), TEAMS_APP_ID="", TEAMS_APP_PASSWORD="")
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--mode", "teams"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "TEAMS_APP_ID and TEAMS_APP_PASSWORD" in done.stderr
