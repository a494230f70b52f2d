"""Helper process for test_concurrency: upserts the same findings as its twin."""

import os
import sys
import time
from datetime import UTC, datetime

from reports.records import FindingRecord, PageRecord, TextUnitRecord
from reports.store import Store

url, count, barrier_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
store = Store.open(url, migrate_to_head=False)
now = datetime.now(UTC)
# Start together: both processes wait for the barrier file.
while not os.path.exists(barrier_file):
    time.sleep(0.005)
for n in range(count):
    page = f"https://forum.example.vn/threads/{n}"
    page_id = store.upsert_page(PageRecord(url=page, platform="forum.example.vn", fetched_at=now))
    unit_id = store.upsert_text_unit(
        page_id,
        TextUnitRecord(
            unit_key=f"post:{n}", kind="post", text_sha256="0" * 64, chars=10, seen_at=now
        ),
    )
    store.upsert_finding(
        FindingRecord(
            kind="text",
            page_url=page,
            subject=f"post:{n}",
            detector="model:x",
            url=f"{page}#post-{n}",
            platform="forum.example.vn",
            labels=["scam"],
            decision="review",
            method="classifier",
            seen_at=now,
            text_unit_id=unit_id,
        )
    )
store.close()
