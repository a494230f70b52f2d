"""The notice document (notice.json) and its items table (items.csv), checked against the
JSON Schema that ships in ``reports/schema/``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from sqlalchemy.orm import Session

from reports.errors import StoreError
from reports.models import Finding, HashList, HashListEntry, Image, Page, TextUnit
from reports.notice.legal import LegalTexts, dsa_reason, main_category
from reports.platforms import Platform

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "notice.schema.json"
SCHEMA_VERSION = "1.0"
EXCERPT_CHARS = 500
ACK_FIELDS = ["item_id", "status", "reference", "acknowledged_at"]
CSV_COLUMNS = [
    "item_id",
    "previous_item_ids",
    "url",
    "content_type",
    "category",
    "labels",
    "dsa_category",
    "dsa_keyword",
    "first_seen_at",
    "last_verified_live_at",
    "method",
    "detector",
    "score",
    "distance",
    "sha256",
    "perceptual_hashes",
    "human_reviewed",
]


@dataclass(frozen=True)
class Sender:
    organisation: str
    role: str
    department: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    url: str = ""


def ts(value: datetime | None) -> str | None:
    """UTC, whole seconds, ``Z``: the one timestamp form of every package file."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_document(
    session: Session,
    finding: Finding,
    item_id: str,
    previous_item_ids: list[str],
    last_verified_live_at: datetime | None,
) -> dict[str, Any]:
    """One ``items[]`` entry: what, where, since when, found how, and its DSA mapping."""
    category = main_category(list(finding.labels))
    page = session.get(Page, finding.page_id)
    doc: dict[str, Any] = {
        "item_id": item_id,
        "previous_item_ids": previous_item_ids,
        "url": finding.url,
        "page_url": page.url if page else finding.url,
        "content_type": finding.kind,
        "category": category,
        "labels": [label for label in finding.labels if label == category]
        + [label for label in finding.labels if label != category],
        "first_seen_at": ts(finding.first_seen_at),
        "last_verified_live_at": ts(last_verified_live_at),
        "detection": _detection(session, finding, category),
        "hashes": _hashes(session, finding),
        "human_reviewed": finding.status == "confirmed",
    }
    if finding.kind == "text":
        if finding.excerpt:
            doc["excerpt"] = finding.excerpt[:EXCERPT_CHARS]
        unit = session.get(TextUnit, finding.text_unit_id) if finding.text_unit_id else None
        if unit is not None:
            doc["locator"] = unit.unit_key
    reason = dsa_reason(category, finding.kind)
    doc["dsa"] = {"category": reason.category, "keyword": reason.keyword}
    if reason.keyword_other:
        doc["dsa"]["keyword_other"] = reason.keyword_other
    return doc


def _detection(session: Session, f: Finding, category: str) -> dict[str, Any]:
    det: dict[str, Any] = {"method": f.method}
    if f.method == "classifier":
        score = f.scores.get(category)
        det["model_version"] = f.detector_version
        det["score"] = round(float(score), 4) if isinstance(score, int | float) else None
    elif f.method in ("hash_match", "exact_hash"):
        hl = session.get(HashList, f.hash_list_id) if f.hash_list_id else None
        entry = session.get(HashListEntry, f.hash_list_entry_id) if f.hash_list_entry_id else None
        det["hash_list"] = hl.name if hl else None
        det["hash_list_version"] = f.hash_list_version or (hl.version if hl else None)
        det["list_entry"] = entry.external_id if entry else None
        det["algo"] = f.algo
        det["distance"] = f.distance
    return det


def _hashes(session: Session, f: Finding) -> dict[str, str]:
    if f.kind == "image" and f.image_id:
        image = session.get(Image, f.image_id)
        if image is None:
            return {}
        out = {k: str(v).lower() for k, v in sorted(image.hashes.items()) if k != "sha256"}
        if image.sha256:
            out["sha256"] = image.sha256
        return out
    if f.kind == "text" and f.text_unit_id:
        unit = session.get(TextUnit, f.text_unit_id)
        if unit is not None:
            return {"sha256": unit.text_sha256}
    return {}


def notice_document(
    *,
    notice_id: str,
    reference: str,
    sequence: int,
    previous_notice_ids: list[str],
    issued_at: datetime,
    deadline_at: datetime,
    deadline_hours: int,
    sender: Sender,
    fingerprint: str,
    platform: Platform,
    legal: LegalTexts,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    categories = sorted({i["category"] for i in items})
    doc = {
        "schema_version": SCHEMA_VERSION,
        "notice_id": notice_id,
        "reference": reference,
        "sequence": sequence,
        "previous_notice_ids": previous_notice_ids,
        "issued_at": ts(issued_at),
        "deadline_at": ts(deadline_at),
        "deadline_hours": deadline_hours,
        "sender": {
            "organisation": sender.organisation,
            "department": sender.department,
            "email": sender.email,
            "phone": sender.phone,
            "address": sender.address,
            "url": sender.url,
            "role": sender.role,
            "public_key_fingerprint": fingerprint,
        },
        "recipient": platform.recipient(),
        "legal_basis": {
            "general": legal.general,
            "by_category": {c: legal.for_category(c) for c in categories},
        },
        "requested_action": legal.requested_action,
        "acknowledgement": {
            "fields": ACK_FIELDS,
            "statuses": ["removed", "rejected", "pending"],
            "formats": ["csv", "json"],
            "email": sender.email,
        },
        "items": items,
    }
    validate(doc)
    return doc


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def schema_errors(doc: Any) -> list[str]:
    """Every way ``doc`` breaks the schema, each as 'path: message'."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors]


def validate(doc: dict[str, Any]) -> None:
    errors = schema_errors(doc)
    if errors:
        raise StoreError(f"The notice does not match its schema: {errors[0]}.")


def notice_json_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def items_csv_bytes(items: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i in items:
        det = i["detection"]
        perceptual = ";".join(f"{k}:{v}" for k, v in i["hashes"].items() if k != "sha256")
        writer.writerow(
            [
                i["item_id"],
                ";".join(i["previous_item_ids"]),
                i["url"],
                i["content_type"],
                i["category"],
                ";".join(i["labels"]),
                i["dsa"]["category"],
                i["dsa"]["keyword"],
                i["first_seen_at"],
                i["last_verified_live_at"] or "",
                det["method"],
                det.get("model_version") or det.get("hash_list") or "",
                "" if det.get("score") is None else det["score"],
                "" if det.get("distance") is None else det["distance"],
                i["hashes"].get("sha256", ""),
                perceptual,
                "yes" if i["human_reviewed"] else "no",
            ]
        )
    return buf.getvalue().encode("utf-8")
