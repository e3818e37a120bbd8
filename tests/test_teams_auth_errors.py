"""What an administrator reads when Teams' key discovery cannot be reached."""

from __future__ import annotations

import pytest

from bot.teams.auth import AuthError, KeySet
from tests.helpers import free_port


def test_unreachable_key_discovery_names_the_settings_to_check() -> None:
    url = f"http://127.0.0.1:{free_port()}/openidconfiguration"  # nothing listens there
    with pytest.raises(AuthError) as caught:
        KeySet(url).load()
    message = str(caught.value)
    assert url in message
    assert "TEAMS_OPENID_METADATA_URL" in message and "HTTPS_PROXY" in message
