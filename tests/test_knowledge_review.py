"""Stale-fact warnings: what ``knowledge check`` tells staff to update, on a pack made here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.pack import load_knowledge
from knowledge.review import grouped, months_before, review

FAQ = """\
- id: threshold-2024
  source_url: https://kfst.dk/t
  series: eu-threshold
  valid_from: 2024-01-01
  valid_until: 2025-12-31
  da: {question: Tærskelværdi 2024–25?, answer: 1.644.638 kr.}
- id: threshold-2026
  source_url: https://kfst.dk/t
  series: eu-threshold
  valid_from: 2026-01-01
  valid_until: 2027-12-31
  da: {question: Tærskelværdi 2026–27?, answer: 1.611.360 kr.}
- id: project-contact
  source_url: https://erhvervaarhus.dk/p
  as_of: 2021-05-06
  valid_from: 2021-05-06
  valid_until: 2025-12-31
  da: {question: Hvem er kontakt?, answer: I 2021 var det Sara Villemoes.}
- id: ean-page
  source_url: https://aarhus.dk/ean
  as_of: 2023-10-10
  review_note: Svaret dater listen og henviser til siden.
  da: {question: Hvor er EAN-numrene?, answer: På kommunens EAN-side (oktober 2023).}
- id: policy-history
  source_url: https://docplayer.dk/1
  as_of: 2005-03-01
  historical: yes
  da: {question: Hvornår kom den første politik?, answer: Den blev vedtaget 22. oktober 2003.}
"""

TENDERS = """\
id,titel,status,offentliggjort,tilbudsfrist,forventet annoncering,kilde
T01,Grøn pleje,annonceret,2025-10-24,,,https://ted.europa.eu/1
T02,Rengøring,åben,2026-09-01,2026-10-01,,https://ted.europa.eu/2
T03,Kørsel,historisk,2026-11-01,2027-01-15,,https://ted.europa.eu/3
T04,It,planlagt,,,2026-06-01,https://ted.europa.eu/4
T05,Mad,annonceret,2026-11-20,,,https://ted.europa.eu/5
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    (root / "faq").mkdir(parents=True)
    (root / "faq" / "facts.yaml").write_text(FAQ, encoding="utf-8")
    (root / "tenders.csv").write_text(TENDERS, encoding="utf-8")
    return root


def reasons(pack: Path, today: date, months: int = 24) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in review(load_knowledge(pack), today, months):
        found.setdefault(item.record_id, []).append(item.reason)
    return found


def test_warnings_on_4_december_2026(pack: Path) -> None:
    assert reasons(pack, date(2026, 12, 4)) == {
        "project-contact": [
            "its period ended on 2025-12-31: update it, or mark it historical if it tells of "
            "the past"
        ],
        "ean-page": ["as_of 2023-10-10 is more than 2 years old"],
        "T01": [
            "status 'annonceret' since 2025-10-24 without a deadline: the deadline has probably "
            "passed"
        ],
        "T02": ["status 'åben' but the deadline 2026-10-01 has passed"],
        "T03": ["status 'historisk' but the deadline 2027-01-15 is still ahead"],
        "T04": ["planned for 2026-06-01, which has passed"],
    }


def test_inside_their_periods_and_age_the_facts_are_not_warned(pack: Path) -> None:
    found = reasons(pack, date(2025, 3, 1))
    assert "project-contact" not in found
    assert "ean-page" not in found
    assert "threshold-2024" not in found and "threshold-2026" not in found


def test_after_the_last_period_of_a_series_its_latest_record_is_warned(pack: Path) -> None:
    found = reasons(pack, date(2028, 1, 2))
    assert found["threshold-2026"] == [
        "nothing in series 'eu-threshold' holds today: the latest period ended on 2027-12-31; "
        "add the current one"
    ]
    assert "threshold-2024" not in found


def test_before_the_first_period_of_a_series_its_record_is_warned(pack: Path) -> None:
    found = reasons(pack, date(2023, 6, 1))
    assert found["threshold-2026"] == [
        "nothing in series 'eu-threshold' holds yet today: add the current period"
    ]


def test_the_stale_age_is_configurable_and_historical_facts_never_go_stale(pack: Path) -> None:
    assert "ean-page" not in reasons(pack, date(2026, 12, 4), months=48)
    assert "ean-page" in reasons(pack, date(2024, 11, 1), months=12)
    assert "policy-history" not in reasons(pack, date(2040, 1, 1), months=1)


def test_warnings_from_one_source_page_form_one_group(pack: Path) -> None:
    faq = pack / "faq" / "facts.yaml"
    faq.write_text(
        faq.read_text(encoding="utf-8")
        + """\
- id: ean-person-reference
  source_url: https://aarhus.dk/ean
  as_of: 2023-10-10
  review_note: Svaret dater listen og henviser til siden.
  da: {question: Hvad er en personreference?, answer: Den står på hver faktura (oktober 2023).}
""",
        encoding="utf-8",
    )
    groups = grouped(review(load_knowledge(pack), date(2026, 12, 4), 24))
    [ean] = [group for group in groups if group.note]
    assert [item.record_id for item in ean.items] == ["ean-page", "ean-person-reference"]
    assert ean.reason == "as_of 2023-10-10 is more than 2 years old"


def test_months_before_keeps_the_day_or_takes_the_last_of_a_short_month() -> None:
    assert months_before(date(2026, 12, 4), 24) == date(2024, 12, 4)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_check_prints_warnings_with_the_packs_notes_and_still_exits_0(
    pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UDBUDSBOT_STALE_AFTER_MONTHS", raising=False)

    assert main(["knowledge", "check", str(pack), "--today", "2026-12-04"]) == 0

    out = capsys.readouterr().out
    assert "6 warnings on 2026-12-04 (1 explained by the pack's review notes)" in out
    assert (
        "  as_of 2023-10-10 is more than 2 years old (1 record):\n"
        "    pack note: Svaret dater listen og henviser til siden.\n"
        "    faq/facts.yaml:19 ean-page\n"
    ) in out
    assert (
        "  status 'annonceret' since 2025-10-24 without a deadline: the deadline has probably "
        "passed (1 record):\n    tenders.csv:2 T01\n"
    ) in out
    assert out.rstrip().endswith("No problems found.")


def test_check_reads_the_stale_age_from_the_settings(
    pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UDBUDSBOT_STALE_AFTER_MONTHS", "60")

    assert main(["knowledge", "check", str(pack), "--today", "2026-12-04"]) == 0

    assert "ean-page" not in capsys.readouterr().out
