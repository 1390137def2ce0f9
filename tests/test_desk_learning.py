"""The learning loop: published staff answers become FAQ entries every worker can index."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.escalation import EscalationDesk, is_learned_source
from bot.escalation.learned import faq_yaml
from tests.desk_support import (
    STAFF,
    asker,
    settings_for,
)


async def test_published_answers_become_learned_entries_without_the_asker(
    desk: EscalationDesk,
) -> None:
    assert await desk.learned_entries() == []
    first = await desk.open_ticket(
        "Kan jeg (jens@firma.dk) få forlænget fristen?", "da", asker("jens")
    )
    private = await desk.open_ticket("Hvad med min faktura nr. 17?", "da", asker("2"))
    english = await desk.open_ticket("Can I bid on part of a tender?", "en", asker("3"))

    answered = await desk.answer(first.id, STAFF, "Nej, fristen er den samme for alle.", True)
    await desk.answer(private.id, STAFF, "Den er betalt.")  # not published
    await desk.answer(english.id, STAFF, "/faq Only where the tender is split into lots.")

    entries = await desk.learned_entries()
    assert [number for number, _ in entries] == [1, 2]
    assert answered.learned_id == 1
    (_, danish), (_, lots) = entries
    assert danish.id == "learned-1"
    assert danish.learned
    assert danish.languages == ("da",)
    assert danish.texts["da"].answer == "Nej, fristen er den samme for alle."
    assert "jens" not in danish.texts["da"].question
    assert "fristen" in danish.texts["da"].question
    assert is_learned_source(danish.source_url)
    assert danish.source_url == "udbudsbot:learned/1"
    assert lots.texts["en"].answer == "Only where the tender is split into lots."
    assert (await desk.ticket(english.id)).answer == "Only where the tender is split into lots."

    assert [n for n, _ in await desk.learned_entries(after_id=1)] == [2]
    assert await desk.learned_entries(after_id=2) == []


async def test_another_worker_sees_new_entries_by_polling(
    desk: EscalationDesk, desk_url: str, tmp_path: Path
) -> None:
    other = EscalationDesk.open(settings_for(desk_url, tmp_path))
    seen = 0
    ticket = await desk.open_ticket("Spørgsmål", "da", asker())
    await desk.answer(ticket.id, STAFF, "/faq Svar")
    new = await other.learned_entries(after_id=seen)
    assert [entry.id for _, entry in new] == ["learned-1"]
    seen = new[-1][0]
    assert await other.learned_entries(after_id=seen) == []
    other.dispose()


async def test_export_is_in_the_pack_faq_format(desk: EscalationDesk) -> None:
    ticket = await desk.open_ticket("Hvem kan jeg ringe til?", "da", asker())
    await desk.answer(ticket.id, STAFF, "Indkøb og Udbud på 89 40 60 00.", publish=True)
    entries = [entry for _, entry in await desk.learned_entries()]

    [item] = yaml.safe_load(faq_yaml(entries))
    assert item == {
        "id": "learned-1",
        "tags": ["learned"],
        "source_url": "udbudsbot:learned/1",
        "da": {"question": "Hvem kan jeg ringe til?", "answer": "Indkøb og Udbud på 89 40 60 00."},
    }

    faq_loader = pytest.importorskip("knowledge.loaders.faq")
    exported = Path(desk.settings.data_dir) / "learned.yaml"
    exported.write_text(faq_yaml(entries, "https://aarhus.dk/indkoeb/svar"), encoding="utf-8")
    loaded = faq_loader.load_faq_files([exported])
    assert loaded.problems == []
    [entry] = loaded.records
    assert (entry.id, entry.texts["da"].answer) == ("learned-1", "Indkøb og Udbud på 89 40 60 00.")
