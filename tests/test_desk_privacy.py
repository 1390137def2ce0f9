"""Pseudonyms, redaction, retention and the right to be forgotten."""

from __future__ import annotations

from pathlib import Path

from bot.escalation import Candidate, EscalationDesk, OutboxWorker, TicketStatus
from bot.escalation.privacy import redact_contacts
from bot.escalation.schema import Delivery, Feedback, FollowUp
from tests.desk_support import (
    STAFF,
    Clock,
    EchoHandler,
    RecordingDeliverer,
    RecordingNotifier,
    asker,
    inbox_for,
    settings_for,
)


async def test_staff_see_a_stable_pseudonym_not_the_platform_handle(
    desk: EscalationDesk, desk_url: str, tmp_path: Path, notifier: RecordingNotifier
) -> None:
    ticket = await desk.open_ticket("Spørgsmål", "da", asker("777000111"))
    ref = notifier.tickets[0].asker
    assert ref is not None and ref.startswith("asker-")
    assert "777000111" not in ref and "telegram" not in ref
    other = await desk.open_ticket("Spørgsmål", "da", asker("777000112"))
    assert other.asker != ref

    # Another worker on the same database derives the same pseudonym.
    second = EscalationDesk.open(settings_for(desk_url, tmp_path / "other-data-dir"))
    assert (await second.ticket(ticket.id)).asker == ref
    second.dispose()


async def test_pseudonyms_differ_between_installations(tmp_path: Path) -> None:
    views = []
    for name in ("one", "two"):
        desk = EscalationDesk.open(settings_for(f"sqlite:///{tmp_path / name}.db", tmp_path))
        views.append(await desk.open_ticket("Spørgsmål", "da", asker("5")))
        desk.dispose()
    assert views[0].asker != views[1].asker


async def test_retention_erases_personal_fields_and_expires_old_open_tickets(
    desk: EscalationDesk, clock: Clock
) -> None:
    old_answered = await desk.open_ticket(
        "Jeg hedder Jens, ring på 20 30 40 50", "da", asker("1"), [Candidate("T", "faq:x", 0.3)]
    )
    await desk.open_ticket("En tilføjelse", "da", asker("1"), follow_up_of=old_answered.id)
    await desk.answer(old_answered.id, STAFF, "Svar til Jens")
    await OutboxWorker(desk, {"telegram": RecordingDeliverer()}).process_once()
    old_open = await desk.open_ticket("Glemt spørgsmål", "da", asker("2"))
    await desk.record_feedback(asker("1"), helpful=True, record_ids=["faq:x"])
    inbox = inbox_for(desk, EchoHandler(), RecordingDeliverer())
    handled = await inbox.receive("telegram", "update-1", {"user": "1"})
    assert handled is not None
    await inbox.process(handled)

    clock.advance(days=170)
    recent = await desk.open_ticket("Nyt spørgsmål", "da", asker("3"))
    clock.advance(days=11)  # 181 days after the first tickets, 11 after the recent one

    report = await desk.apply_retention()
    assert (report.expired, report.erased_tickets) == (1, 2)
    assert report.erased_deliveries == 1
    assert (report.erased_feedback, report.pruned_events) == (1, 1)

    erased = await desk.ticket(old_answered.id)
    assert (erased.question, erased.answer, erased.asker, erased.follow_ups) == ("", None, None, ())
    assert erased.erased_at is not None
    assert erased.status is TicketStatus.DELIVERED
    assert erased.answered_by == "Karen Indkøb"  # the audit keeps who answered
    assert erased.candidates == (Candidate("T", "faq:x", 0.3),)
    assert (await desk.ticket(old_open.id)).status is TicketStatus.EXPIRED
    assert (await desk.ticket(recent.id)).question == "Nyt spørgsmål"

    def stored(session):  # type: ignore[no-untyped-def]
        delivery = session.query(Delivery).filter(Delivery.ticket_id == old_answered.id).one()
        return (
            delivery.user_id,
            delivery.chat_id,
            delivery.text,
            session.query(FollowUp).count(),
            session.query(Feedback.asker_key).scalar(),
        )

    assert desk.store.transaction(stored) == (None, None, "", 0, None)
    assert await inbox.receive("telegram", "update-1", {"user": "1"})  # pruned, so new again
    assert (await desk.apply_retention()).erased_tickets == 0


async def test_forget_user_erases_their_data_at_once_and_nobody_elses(
    desk: EscalationDesk,
) -> None:
    answered = await desk.open_ticket("Første spørgsmål", "da", asker("1"))
    await desk.answer(answered.id, STAFF, "Svar der venter på levering")
    await desk.close(answered.id, STAFF)
    still_open = await desk.open_ticket("Andet spørgsmål", "da", asker("1"))
    await desk.record_feedback(asker("1"), helpful=False, ticket_id=answered.id)
    someone_else = await desk.open_ticket("Naboens spørgsmål", "da", asker("2"))
    await desk.record_feedback(asker("2"), helpful=True)

    erasure = await desk.forget_user("telegram", "1")
    assert erasure.tickets == (answered.id, still_open.id)
    assert (erasure.deliveries, erasure.feedback) == (1, 1)
    assert erasure.total == 4

    for ticket_id in erasure.tickets:
        view = await desk.ticket(ticket_id)
        assert (view.question, view.answer, view.asker) == ("", None, None)
        assert view.status is TicketStatus.CLOSED
    telegram = RecordingDeliverer()
    assert await OutboxWorker(desk, {"telegram": telegram}).process_once() == 0
    assert (await desk.ticket(someone_else.id)).question == "Naboens spørgsmål"
    assert await desk.feedback_counts() == (1, 0)

    again = await desk.forget_user("telegram", "1")
    assert again.total == 0
    new = await desk.open_ticket("Nyt spørgsmål", "da", asker("1"))
    assert new.id not in erasure.tickets


def test_contact_details_are_redacted() -> None:
    text = (
        "Skriv til jens.hansen@firma.dk eller @jens_h, ring +45 20 30 40 50 "
        "(cpr 010190-1234). Tærskelværdien er 1.500.000 kr. for 2026."
    )
    redacted = redact_contacts(text)
    for secret in ("jens.hansen", "@jens_h", "20 30 40 50", "010190"):
        assert secret not in redacted
    assert "Tærskelværdien er 1.500.000 kr. for 2026." in redacted


async def test_old_feedback_keeps_its_verdict_after_retention(
    desk: EscalationDesk, clock: Clock
) -> None:
    await desk.record_feedback(asker("1"), helpful=True)
    clock.advance(days=200)
    await desk.apply_retention()
    assert await desk.feedback_counts() == (1, 0)
    assert (await desk.forget_user("telegram", "1")).feedback == 0
