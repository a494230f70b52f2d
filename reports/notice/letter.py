"""The human-readable letter, in Vietnamese: HTML from a template, PDF drawn with fpdf2.

The PDF uses DejaVu Sans from matplotlib's installed fonts (full Vietnamese glyph cover),
so nothing is downloaded and the letter renders the same on every machine.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from string import Template
from typing import Any

from reports.errors import StoreError

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "letter.html"
VN = timezone(timedelta(hours=7))
CONTENT_TYPES = {"text": "Văn bản", "image": "Hình ảnh"}


def font_paths() -> tuple[Path, Path]:
    """Regular and bold DejaVu Sans, shipped inside matplotlib."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise StoreError(f"The DejaVu Sans fonts are missing from {folder}; reinstall matplotlib.")
    return regular, bold


def vn_time(stamp: str | None) -> str:
    if not stamp:
        return "—"
    value = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return value.astimezone(VN).strftime("%H:%M ngày %d/%m/%Y (UTC+7)")


def _category_name(category: str) -> str:
    from classifier.taxonomy import BY_ID

    return BY_ID[category].name_vi


def _fields(doc: dict[str, Any]) -> dict[str, str]:
    s, r = doc["sender"], doc["recipient"]
    sender_lines = [
        x for x in (s["department"], s["address"], s["email"], s["phone"], s["url"]) if x
    ]
    recipient = r["legal_entity"] or r["name"]
    if r["legal_entity"] and r["name"] not in r["legal_entity"]:
        recipient = f"{r['legal_entity']} ({r['name']})"
    recipient_extra = [x for x in (r["address"], r["email"], r["contact_url"]) if x]
    seq = doc["sequence"]
    return {
        "reference": doc["reference"],
        "notice_id": doc["notice_id"],
        "sequence": str(seq),
        "sequence_text": "Lần đầu" if seq == 1 else f"Lần thứ {seq} (nhắc lại)",
        "issued_at": vn_time(doc["issued_at"]),
        "deadline_at": vn_time(doc["deadline_at"]),
        "deadline_hours": str(doc["deadline_hours"]),
        "sender_organisation": s["organisation"],
        "sender_lines": "; ".join(sender_lines),
        "recipient": "; ".join([recipient, *recipient_extra]),
        "legal_general": doc["legal_basis"]["general"],
        "requested_action": doc["requested_action"],
        "item_count": str(len(doc["items"])),
        "ack_contact": s["email"] or s["url"] or s["organisation"],
        "fingerprint": s["public_key_fingerprint"],
        "signatory_role": s["role"],
        "review_text": (
            "chuyên viên phân tích xem xét và xác nhận trước khi gửi."
            if all(i["human_reviewed"] for i in doc["items"])
            else "chuyên viên phân tích xác nhận, trừ các mục trùng khớp danh sách mã băm "
            "được tin cậy (human_reviewed = false)."
        ),
        "repeat_text": (
            "Các nội dung dưới đây vẫn còn tồn tại sau thời hạn của thông báo trước: "
            + ", ".join(doc["previous_notice_ids"])
            + "."
            if doc["previous_notice_ids"]
            else ""
        ),
    }


def render_html(doc: dict[str, Any]) -> bytes:
    f = {k: html.escape(v) for k, v in _fields(doc).items()}
    if f["repeat_text"]:
        f["repeat_text"] = f"<p><strong>{f['repeat_text']}</strong></p>"
    f["legal_categories"] = (
        "<ul>"
        + "".join(
            f"<li><strong>{html.escape(_category_name(c))}</strong>: {html.escape(t)}</li>"
            for c, t in doc["legal_basis"]["by_category"].items()
        )
        + "</ul>"
    )
    rows = []
    for n, i in enumerate(doc["items"], 1):
        cells = [
            str(n),
            i["item_id"],
            i["url"],
            CONTENT_TYPES[i["content_type"]],
            _category_name(i["category"]),
            vn_time(i["first_seen_at"]),
            vn_time(i["last_verified_live_at"]),
        ]
        tds = "".join(
            f'<td class="url">{html.escape(c)}</td>' if k == 2 else f"<td>{html.escape(c)}</td>"
            for k, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    f["item_rows"] = "\n".join(rows)
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(f).encode("utf-8")


def render_pdf(doc: dict[str, Any]) -> bytes:
    from fpdf import FPDF

    f = _fields(doc)
    regular, bold = font_paths()
    pdf = FPDF(format="A4")
    pdf.set_creator("tamsoat")
    pdf.set_title(f"Yêu cầu gỡ bỏ nội dung vi phạm — {f['reference']}")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: int = 10, style: str = "", gap: float = 2) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(f["sender_organisation"], 11, "B", 0)
    if f["sender_lines"]:
        para(f["sender_lines"], 9)
    para("YÊU CẦU GỠ BỎ NỘI DUNG VI PHẠM", 15, "B", 3)
    para(
        f"Số tham chiếu: {f['reference']}\nMã thông báo: {f['notice_id']}\n"
        f"Lần gửi: {f['sequence_text']}\nThời điểm gửi: {f['issued_at']}\n"
        f"Kính gửi: {f['recipient']}"
    )
    para("1. Căn cứ pháp lý", 12, "B", 1)
    para(f["legal_general"])
    for c, t in doc["legal_basis"]["by_category"].items():
        para(f"• {_category_name(c)}: {t}", 9, "", 1)
    para("2. Nội dung yêu cầu", 12, "B", 1)
    para(f["requested_action"])
    para(
        f"Thời hạn xử lý: {f['deadline_hours']} giờ kể từ thời điểm gửi, "
        f"tức là trước {f['deadline_at']}.",
        10,
        "B",
    )
    if f["repeat_text"]:
        para(f["repeat_text"], 10, "B")
    para(f"3. Danh sách nội dung ({f['item_count']})", 12, "B", 1)
    pdf.set_font("DejaVu", "", 7)
    with pdf.table(col_widths=(5, 30, 55, 12, 25, 22, 22), line_height=3.5) as table:
        table.row(["#", "item_id", "URL", "Loại", "Danh mục", "Phát hiện", "Còn tồn tại"])
        for n, i in enumerate(doc["items"], 1):
            table.row(
                [
                    str(n),
                    i["item_id"],
                    i["url"],
                    CONTENT_TYPES[i["content_type"]],
                    _category_name(i["category"]),
                    vn_time(i["first_seen_at"]),
                    vn_time(i["last_verified_live_at"]),
                ]
            )
    pdf.ln(3)
    para("4. Phản hồi", 12, "B", 1)
    para(
        "Đề nghị phản hồi cho từng mục theo mã item_id, bằng tệp CSV (tiêu đề "
        "item_id,status,reference,acknowledged_at) hoặc JSON; status là removed (đã gỡ), "
        "rejected (từ chối) hoặc pending (đang xử lý); acknowledged_at theo ISO 8601 có múi "
        f"giờ. Gửi phản hồi về: {f['ack_contact']}."
    )
    para("5. Xác thực", 12, "B", 1)
    para(
        "Gói thông báo được ký số Ed25519: manifest.json chứa SHA-256 của từng tệp, chữ ký "
        "trong manifest.sig, khóa công khai public_key.pem (dấu vân tay SHA-256: "
        f"{f['fingerprint']}). Kiểm tra: openssl pkeyutl -verify -pubin -inkey public_key.pem "
        "-rawin -in manifest.json -sigfile manifest.sig, rồi so sánh openssl dgst -sha256 của "
        "từng tệp với manifest.json.",
        9,
    )
    para(f"Gói không chứa hình ảnh nào. Nội dung đã được {f['review_text']}", 9)
    para(f"{f['signatory_role']}\n{f['sender_organisation']}", 10, "B")
    return bytes(pdf.output())
