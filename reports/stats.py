"""Time to removal per platform, the figure hotlines publish.

An item here is one reported finding, however many notices it took: the clock starts at
the first notice's issue time and stops at the first re-check that found the content gone.
Shares are over all reported items of the platform; still-live items count against them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from reports.models import Acknowledgement, Notice, NoticeItem
from reports.store import Store


@dataclass(frozen=True)
class PlatformStats:
    platform: str
    notices: int
    repeat_notices: int
    items: int
    removed: int
    share_removed: float | None
    median_hours_to_removal: float | None
    p90_hours_to_removal: float | None
    share_removed_within_24h: float | None
    share_removed_within_48h: float | None
    live_past_deadline: int
    acknowledged: int
    acknowledged_removed: int
    acknowledged_rejected: int
    median_ack_hours: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def _share(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def compute_stats(store: Store) -> list[PlatformStats]:
    with store.session() as s:
        notices = list(s.scalars(select(Notice)))
        rows = s.execute(
            select(NoticeItem, Notice)
            .join(Notice, Notice.id == NoticeItem.notice_id)
            .order_by(Notice.issued_at, NoticeItem.id)
        ).all()
        acks = s.execute(
            select(
                Acknowledgement.notice_item_id,
                Acknowledgement.status,
                Acknowledgement.acknowledged_at,
            )
        ).all()
    chains: dict[int, list[tuple[NoticeItem, Notice]]] = {}
    for item, notice in rows:
        chains.setdefault(item.finding_id, []).append((item, notice))
    acks_by_item: dict[int, list[tuple[str, datetime]]] = {}
    for item_pk, status, at in acks:
        acks_by_item.setdefault(item_pk, []).append((status, at))

    platforms = sorted({n.platform for n in notices})
    out = []
    for p in platforms:
        mine = [c for c in chains.values() if c[0][1].platform == p]
        ttr: list[float] = []
        live_past = 0
        ack_hours: list[float] = []
        acked = acked_removed = acked_rejected = 0
        for chain in mine:
            _, first_notice = chain[0]
            current, _ = chain[-1]
            if current.removed_at is not None:
                ttr.append(_hours(current.removed_at, first_notice.issued_at))
            elif (
                current.last_verified_live_at is not None
                and current.last_verified_live_at >= first_notice.deadline_at
            ):
                live_past += 1
            answers = [
                (st, at, n.issued_at) for i, n in chain for st, at in acks_by_item.get(i.id, [])
            ]
            if answers:
                acked += 1
                statuses = {st for st, _, _ in answers}
                acked_removed += "removed" in statuses
                acked_rejected += "rejected" in statuses
                first = min(answers, key=lambda a: a[1])
                ack_hours.append(_hours(first[1], first[2]))
        total = len(mine)
        out.append(
            PlatformStats(
                platform=p,
                notices=sum(1 for n in notices if n.platform == p),
                repeat_notices=sum(1 for n in notices if n.platform == p and n.sequence > 1),
                items=total,
                removed=len(ttr),
                share_removed=_share(len(ttr), total),
                median_hours_to_removal=_pct(ttr, 50),
                p90_hours_to_removal=_pct(ttr, 90),
                share_removed_within_24h=_share(sum(h <= 24 for h in ttr), total),
                share_removed_within_48h=_share(sum(h <= 48 for h in ttr), total),
                live_past_deadline=live_past,
                acknowledged=acked,
                acknowledged_removed=acked_removed,
                acknowledged_rejected=acked_rejected,
                median_ack_hours=_pct(ack_hours, 50),
            )
        )
    return out


def plot_stats(stats: list[PlatformStats], path: Path) -> None:
    """Two panels: share removed (24 h, 48 h, ever) and hours to removal (median, p90)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = [s.platform for s in stats]
    x = np.arange(len(names))
    fig = Figure(figsize=(max(6.0, 1.2 * len(names) + 3), 7.5), layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1)
    width = 0.27
    for k, (label, attr) in enumerate(
        (
            ("≤ 24 h", "share_removed_within_24h"),
            ("≤ 48 h", "share_removed_within_48h"),
            ("removed", "share_removed"),
        )
    ):
        values = [100 * (getattr(s, attr) or 0) for s in stats]
        top.bar(x + (k - 1) * width, values, width, label=label)
    top.set_ylabel("% of reported items")
    top.set_ylim(0, 100)
    top.set_title("Share of reported items removed")
    top.set_xticks(x, names)
    top.legend()
    for k, (label, attr) in enumerate(
        (("median", "median_hours_to_removal"), ("90th percentile", "p90_hours_to_removal"))
    ):
        values = [getattr(s, attr) or 0 for s in stats]
        bottom.bar(x + (k - 0.5) * width, values, width, label=label)
    bottom.axhline(24, color="grey", linestyle="--", linewidth=1, label="24 h deadline")
    bottom.set_ylabel("hours from notice to removal")
    bottom.set_title("Time to removal")
    bottom.set_xticks(x, names)
    bottom.legend()
    fig.savefig(path, dpi=110)
