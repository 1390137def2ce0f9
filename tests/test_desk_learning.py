"""The learning loop in the desk: published staff answers become learned FAQ entries that every
worker polls, staff correct and withdraw them, and each change is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.escalation import (
    EscalationDesk,
    LearnedWithdrawnError,
    NotStaffError,
    StaffMember,
    UnknownLearnedError,
    is_learned_source,
)
from bot.escalation.learned import LearnedChanges, faq_yaml, learned_citation
from tests.desk_support import STAFF, Clock, asker, settings_for

OUTSIDER = StaffMember("telegram", "666", "Mallory", in_staff_destination=False)


async def test_published_answers_become_learned_entries_without_the_asker(
    desk: EscalationDesk, clock: Clock
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

    danish, lots = await desk.learned_entries()
    assert answered.published_now == answered.learned_id == 1
    assert danish.id == "learned-1" and danish.number == 1
    assert danish.learned
    assert danish.languages == ("da",)
    assert danish.texts["da"].answer == "Nej, fristen er den samme for alle."
    assert "jens" not in danish.texts["da"].question
    assert "fristen" in danish.texts["da"].question
    assert is_learned_source(danish.source_url)
    assert danish.source_url == "udbudsbot:learned/1"
    assert danish.answered_on == date(2025, 11, 24)
    assert (
        learned_citation(danish, "da").title == "Besvaret af Indkøb og Udbud den 24. november 2025"
    )
    assert learned_citation(danish, "en").title == "Answered by Indkøb og Udbud on 24 November 2025"
    assert danish.dates.as_of == date(2025, 11, 24)
    assert lots.texts["en"].answer == "Only where the tender is split into lots."
    assert (await desk.ticket(english.id)).answer == "Only where the tender is split into lots."


async def test_a_danish_question_answered_in_english_is_found_in_both_and_says_so(
    desk: EscalationDesk,
) -> None:
    ticket = await desk.open_ticket("Tager kommunen gebyr for papirfakturaer?", "da", asker())
    await desk.answer(
        ticket.id,
        STAFF,
        "/faq No, but the municipality only accepts electronic invoices.\n"
        "også: Opkræver I betaling for en faktura på papir?",
    )
    [entry] = await desk.learned_entries()
    assert entry.answer_language == "en"
    assert set(entry.languages) == {"da", "en"}
    assert entry.texts["da"].question == "Tager kommunen gebyr for papirfakturaer?"
    assert entry.texts["da"].alternates == ("Opkræver I betaling for en faktura på papir?",)
    assert entry.texts["en"].answer == entry.texts["da"].answer
    assert (await desk.learned(1)).answer_language == "en"


async def test_publishing_the_same_answer_again_adds_a_question_instead_of_a_copy(
    desk: EscalationDesk,
) -> None:
    ticket = await desk.open_ticket("Må vi byde på papir?", "da", asker())
    await desk.open_ticket("Eller kun digitalt?", "da", asker(), follow_up_of=ticket.id)
    await desk.answer(ticket.id, STAFF, "/faq Kun digitalt.", questions=[1])
    again = await desk.answer(ticket.id, STAFF, "/faq Kun digitalt.", questions=[2])

    [entry] = await desk.learned_entries()
    assert again.published_now == entry.number
    assert entry.texts["da"].question == "Må vi byde på papir?"
    assert entry.texts["da"].alternates == ("Eller kun digitalt?",)


async def test_another_worker_sees_new_corrected_and_withdrawn_entries_by_polling(
    desk: EscalationDesk, desk_url: str, tmp_path: Path, clock: Clock
) -> None:
    other = EscalationDesk.open(settings_for(desk_url, tmp_path))
    first = await desk.open_ticket("Spørgsmål om gebyrer", "da", asker("1"))
    second = await desk.open_ticket("Spørgsmål om frister", "da", asker("2"))
    await desk.answer(first.id, STAFF, "/faq Svar om gebyrer")
    await desk.answer(second.id, STAFF, "/faq Svar om frister")

    seen = await other.learned_changes(after=0)
    assert [entry.id for entry in seen.published] == ["learned-1", "learned-2"]
    assert (await other.learned_changes(after=seen.revision)).published == ()

    clock.advance(days=2)
    await desk.edit_learned(1, STAFF, answer="Rettet svar om gebyrer", also=["fee for invoices"])
    await desk.withdraw_learned(2, STAFF)
    changed = await other.learned_changes(after=seen.revision)
    [corrected] = changed.published
    assert corrected.texts["da"].answer == "Rettet svar om gebyrer"
    assert corrected.texts["en"].question == "fee for invoices"
    assert corrected.updated_on == date(2025, 11, 26)
    assert learned_citation(corrected, "da").title.endswith("(rettet 26. november 2025)")
    assert corrected.dates.as_of == date(2025, 11, 26)
    assert changed.withdrawn == ("learned-2",)
    assert await other.learned_changes(after=changed.revision) == LearnedChanges(changed.revision)
    # A worker starting now gets only what stands.
    assert [e.id for e in (await other.learned_changes(after=0)).published] == ["learned-1"]
    other.dispose()


async def test_only_staff_change_entries_and_every_change_is_audited(
    desk: EscalationDesk,
) -> None:
    ticket = await desk.open_ticket("Hvem kan jeg ringe til?", "da", asker())
    await desk.answer(ticket.id, STAFF, "/faq Indkøb og Udbud på 89 40 60 00.")

    with pytest.raises(NotStaffError):
        await desk.withdraw_learned(1, OUTSIDER)
    with pytest.raises(NotStaffError):
        await desk.edit_learned(1, OUTSIDER, answer="Ring ikke.")
    with pytest.raises(UnknownLearnedError, match="entry 9 does not exist"):
        await desk.withdraw_learned(9, STAFF)
    await desk.edit_learned(1, STAFF, answer="Indkøb og Udbud på 89 40 60 00, hverdage 9-15.")
    withdrawn = await desk.withdraw_learned(1, STAFF)
    with pytest.raises(LearnedWithdrawnError):
        await desk.withdraw_learned(1, STAFF)
    with pytest.raises(LearnedWithdrawnError):
        await desk.edit_learned(1, STAFF, answer="Igen")

    assert withdrawn.withdrawn and withdrawn.withdrawn_by == "Karen Indkøb"
    assert await desk.learned_entries() == []
    assert [e.number for e in await desk.learned_list(include_withdrawn=True)] == [1]
    rows = await desk.audit_rows()
    assert [r["event"] for r in rows] == [
        "opened",
        "answered",
        "published",
        "refused",
        "refused",
        "faq_edited",
        "faq_withdrawn",
    ]
    assert all('"learned": 1' in r["detail"] for r in rows[2:])
    assert [r["actor"] for r in rows[5:]] == ["Karen Indkøb", "Karen Indkøb"]
    assert rows[3]["actor"].startswith("asker-") and "Mallory" not in str(rows)


async def test_export_is_in_the_pack_faq_format(desk: EscalationDesk) -> None:
    ticket = await desk.open_ticket("Hvem kan jeg ringe til?", "da", asker())
    await desk.answer(ticket.id, STAFF, "Indkøb og Udbud på 89 40 60 00.", publish=True)
    entries = await desk.learned_entries()

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


async def test_the_same_answer_to_another_ticket_teaches_the_entry_that_wording(
    desk: EscalationDesk,
) -> None:
    first = await desk.open_ticket("Må vi tage hund med til informationsmødet?", "da", asker("1"))
    later = await desk.open_ticket("Er hunde tilladt ved orienteringsmøder?", "da", asker("2"))
    await desk.answer(first.id, STAFF, "/faq Kun førerhunde.")
    again = await desk.answer(later.id, STAFF, "/faq Kun førerhunde.")

    [entry] = await desk.learned_entries()
    assert again.published_now == entry.number == 1
    assert entry.texts["da"].alternates == ("Er hunde tilladt ved orienteringsmøder?",)


async def test_staff_are_told_when_the_entry_cannot_be_found_in_the_other_language(
    desk: EscalationDesk,
) -> None:
    danish = await desk.open_ticket("Må vi tage en hund med til mødet?", "da", asker("a"))
    other = await desk.open_ticket("Må vi tage en tolk med til mødet?", "da", asker("b"))

    alone = await desk.answer(danish.id, STAFF, "/faq Kun førerhunde.")
    phrased = await desk.answer(
        other.id, STAFF, "/faq Ja, gerne.\nalso: may we bring an interpreter to the meeting?"
    )

    assert alone.unfound_in == "en"
    assert "/faq ret 1 også:" in alone.answered_note("da")
    assert "askers writing in English will hardly find it" in alone.answered_note("en")
    assert phrased.unfound_in is None
    assert "også:" not in phrased.answered_note("da")
