"""One bot process for the multi-process tests: a notifier in the background, questions on stdin.

    python -m tests.bot_process DATABASE_URL SLACK_API_URL CHANNEL [MINUTES_DIR]

Prints ``ready`` once its notifier has made its first tick, then answers each question read from
stdin with one line: the case number of the best hit, or ``-`` when nothing matches.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from bot.context import BotContext
from bot.notify import Notifier
from tests.helpers import SIGNING_SECRET, SLACK_TOKEN


def main(argv: list[str]) -> int:
    database_url, api_url, channel = argv[:3]
    inbox = Path(argv[3]) if len(argv) > 3 else None
    settings = Settings(database_url=database_url, slack_bot_token=SLACK_TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=api_url,
                        notify_channel=channel, minutes_dir=inbox)
    ctx = BotContext.create(settings)
    notifier = Notifier(ctx, tick_seconds=0.1, retry_backoff=(0.0, 0.0))
    notifier.run_once()
    notifier.start()
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            hits = ctx.searcher.search(line.strip()).hits
            print(hits[0].record.case_number if hits else "-", flush=True)
    finally:
        notifier.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
