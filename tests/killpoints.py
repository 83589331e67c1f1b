"""Fault injection for crash tests: a real process killed at a chosen point of the emission journal.

Loaded by crawls that tests start with ``PYTHONPATH=tests`` and
``-s ITEM_PIPELINES=...killpoints.KillAfterPending...``. It sits after ``IncrementalPipeline``, so
the record it kills on is marked pending in the state store but never reaches the output:
exactly the window a power cut or an OOM kill can hit.
"""

from __future__ import annotations

import os
import signal


class KillAfterPending:
    def __init__(self, at: int):
        self.at, self.seen = at, 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("KILL_AT_ITEM", 10))

    def process_item(self, item, spider=None):
        self.seen += 1
        if self.seen >= self.at:
            os.kill(os.getpid(), signal.SIGKILL)
        return item
