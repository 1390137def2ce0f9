"""Ticket lifecycle, follow-ups joining their ticket, who may answer, and bad answers."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.escalation import (
    Candidate,
    EmptyAnswerError,
    EscalationDesk,
    NotStaffError,
    OutboxWorker,
    StaffMember,
    TicketClosedError,
    TicketStatus,
    UnknownQuestionError,
    UnknownTicketError,
    WhichQuestionError,
)
from tests.desk_support import (
    STAFF,
    RecordingDeliverer,
    RecordingNotifier,
    asker,
    settings_for,
)

CANDIDATES = (
    Candidate("Tærskelværdier 2026", "thresholds#2026", 0.41),
    Candidate("Faktura til kommunen", "faq:invoice-format", 0.22),
)


async def test_lifecycle_open_answer_deliver_close(
    desk: EscalationDesk, notifier: RecordingNotifier
) -> None:
    opened = await desk.open_ticket(
        "Hvad gælder for bygge under 3 mio.?", "da", asker(), CANDIDATES
    )
    assert opened.status is TicketStatus.OPEN
    assert opened.candidates == CANDIDATES
    assert opened.confidence == pytest.approx(0.41)
    assert [t.id for t in notifier.tickets] == [opened.id]

    answered = await desk.answer(opened.id, STAFF, "Tilbudsloven gælder; spørg os om detaljer.")
    assert answered.status is TicketStatus.ANSWERED
    assert answered.answered_by == "Karen Indkøb"
    assert answered.answer == "Tilbudsloven gælder; spørg os om detaljer."

    telegram = RecordingDeliverer()
    assert await OutboxWorker(desk, {"telegram": telegram}).process_once() == 1
    [(to, text, language)] = telegram.sent
    assert to == asker()
    assert language == "da"
    assert "Tilbudsloven gælder" in text
    assert "Hvad gælder for bygge under 3 mio.?" in text
    assert (await desk.ticket(opened.id)).status is TicketStatus.DELIVERED

    closed = await desk.close(opened.id, STAFF)
    assert closed.status is TicketStatus.CLOSED
    with pytest.raises(TicketClosedError, match="already closed"):
        await desk.close(opened.id, STAFF)
    with pytest.raises(TicketClosedError):
        await desk.answer(opened.id, STAFF, "for sent")


async def test_ticket_is_committed_before_staff_hear_of_it(desk_url: str, tmp_path: Path) -> None:
    """Staff (and then the asker) are told only about tickets another worker can already read."""
    reader = EscalationDesk.open(settings_for(desk_url, tmp_path))
    seen: list[str] = []

    class CheckingNotifier(RecordingNotifier):
        async def notify_ticket(self, ticket) -> None:  # type: ignore[no-untyped-def]
            seen.append((await reader.ticket(ticket.id)).question)

    writer = EscalationDesk.open(settings_for(desk_url, tmp_path), [CheckingNotifier()])
    opened = await writer.open_ticket("Kan vi byde sammen med en anden virksomhed?", "da", asker())
    assert seen == ["Kan vi byde sammen med en anden virksomhed?"]
    assert (await reader.ticket(opened.id)).status is TicketStatus.OPEN
    reader.dispose()
    writer.dispose()


async def test_a_follow_up_joins_its_ticket_and_a_new_question_opens_one_beside_it(
    desk: EscalationDesk, notifier: RecordingNotifier
) -> None:
    first = await desk.open_ticket("Hvornår kommer rengøringsudbuddet?", "da", asker("7"))
    second = await desk.open_ticket(
        "Og hvor stort er det?", "da", asker("7"), follow_up_of=first.id
    )
    other = await desk.open_ticket("Where do I send invoices?", "en", asker("7"))
    someone_else = await desk.open_ticket(
        "Hvad koster det?", "da", asker("8"), follow_up_of=first.id
    )

    assert second.id == first.id
    assert second.joined and not first.joined
    assert second.messages == ("Hvornår kommer rengøringsudbuddet?", "Og hvor stort er det?")
    assert other.id != first.id and not other.joined
    assert other.other_open == (first.id,)
    assert someone_else.id not in (first.id, other.id)  # not another asker's ticket
    assert someone_else.other_open == ()
    assert [(t.id, t.follow_ups) for t in notifier.tickets] == [
        (first.id, ()),
        (first.id, ("Og hvor stort er det?",)),
        (other.id, ()),
        (someone_else.id, ()),
    ]
    assert [t.id for t in await desk.open_tickets_of(asker("7"))] == [other.id, first.id]

    repeat = await desk.open_ticket(
        "  hvornår kommer RENGØRINGSUDBUDDET? ", "da", asker("7"), follow_up_of=first.id
    )
    assert (repeat.id, repeat.joined, repeat.repeat) == (first.id, True, True)
    assert repeat.messages == second.messages  # nothing new for staff to read
    assert len(notifier.tickets) == 4  # nor to be told about

    await desk.answer(first.id, STAFF, "I foråret.")
    after_answer = await desk.open_ticket(
        "Tak! Og hvem vinder?", "da", asker("7"), follow_up_of=first.id
    )
    assert after_answer.id not in (first.id, other.id)
    assert not after_answer.joined


async def test_publishing_for_a_ticket_with_several_questions_needs_the_question(
    desk: EscalationDesk,
) -> None:
    ticket = await desk.open_ticket("Må jeg fakturere på papir?", "da", asker())
    await desk.open_ticket("Eller som pdf på mail?", "da", asker(), follow_up_of=ticket.id)

    with pytest.raises(WhichQuestionError) as refused:
        await desk.answer(ticket.id, STAFF, "/faq Nej, kun som e-faktura.")
    assert "2 questions" in str(refused.value) and "pdf på mail" in str(refused.value)
    with pytest.raises(UnknownQuestionError, match="no question 3"):
        await desk.answer(ticket.id, STAFF, "/faq Nej.", questions=[3])
    assert (await desk.ticket(ticket.id)).status is TicketStatus.OPEN  # nothing happened

    answered = await desk.answer(
        ticket.id,
        STAFF,
        "/faq Nej, kun som e-faktura.\nalso: can I send a paper invoice?",
        questions=[2, 1],
    )
    telegram = RecordingDeliverer()
    await OutboxWorker(desk, {"telegram": telegram}).process_once()
    [(_, delivered, _)] = telegram.sent
    assert "«Eller som pdf på mail?»" in delivered  # the question it answers is quoted
    assert delivered.endswith("Nej, kun som e-faktura.")  # phrasings are not sent
    [entry] = await desk.learned_entries()
    assert answered.published_now == entry.number == 1
    assert entry.texts["da"].question == "Eller som pdf på mail?"
    assert entry.texts["da"].alternates == ("Må jeg fakturere på papir?",)
    assert entry.texts["en"].question == "can I send a paper invoice?"
    assert {text.answer for text in entry.texts.values()} == {"Nej, kun som e-faktura."}


async def test_only_staff_may_answer_and_refusals_are_audited(
    desk: EscalationDesk, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = await desk.open_ticket("Må jeg ringe til jer?", "da", asker())
    outsider = StaffMember("telegram", "666", "Mallory", in_staff_destination=False)
    with (
        caplog.at_level(logging.WARNING, logger="bot.escalation.tickets"),
        pytest.raises(NotStaffError, match=r"Mallory .* not a member of the configured staff"),
    ):
        await desk.answer(ticket.id, outsider, "Ja, hele natten.")
    with pytest.raises(NotStaffError):
        await desk.close(ticket.id, outsider)

    assert (await desk.ticket(ticket.id)).status is TicketStatus.OPEN
    assert "Refused answer on ticket" in caplog.text
    refusals = [row for row in await desk.audit_rows() if row["event"] == "refused"]
    assert len(refusals) == 2
    assert refusals[0]["actor"].startswith("asker-")
    assert "666" not in refusals[0]["actor"] and "Mallory" not in refusals[0]["actor"]


@pytest.mark.parametrize(
    ("staff_ids", "member", "allowed"),
    [
        ((), StaffMember("slack", "U1", "A", in_staff_destination=True), True),
        (("slack:U1",), StaffMember("slack", "U1", "A", in_staff_destination=True), True),
        (("U1",), StaffMember("slack", "U1", "A", in_staff_destination=True), True),
        (("slack:U1",), StaffMember("telegram", "U1", "A", in_staff_destination=True), False),
        (("slack:U1",), StaffMember("slack", "U2", "B", in_staff_destination=True), False),
        (("slack:U1",), StaffMember("slack", "U1", "A", in_staff_destination=False), False),
        (("slack:U1",), StaffMember.operator(), True),
    ],
)
async def test_staff_ids_narrow_the_staff_destination(
    desk_url: str,
    tmp_path: Path,
    staff_ids: tuple[str, ...],
    member: StaffMember,
    allowed: bool,
) -> None:
    desk = EscalationDesk.open(settings_for(desk_url, tmp_path, staff_ids=staff_ids))
    ticket = await desk.open_ticket("Spørgsmål", "da", asker())
    assert desk.is_staff(member) is allowed
    if allowed:
        assert (await desk.answer(ticket.id, member, "Svar")).status is TicketStatus.ANSWERED
    else:
        with pytest.raises(NotStaffError):
            await desk.answer(ticket.id, member, "Svar")
    desk.dispose()


async def test_bad_answers_are_refused_with_clear_messages(desk: EscalationDesk) -> None:
    ticket = await desk.open_ticket("Spørgsmål", "da", asker())
    with pytest.raises(UnknownTicketError, match="Ticket 999 does not exist"):
        await desk.answer(999, STAFF, "Svar")
    for empty in ("", "   \n ", "/faq ", "/faq    "):
        with pytest.raises(EmptyAnswerError, match="empty"):
            await desk.answer(ticket.id, STAFF, empty)
    assert (await desk.ticket(ticket.id)).status is TicketStatus.OPEN
    with pytest.raises(UnknownTicketError):
        await desk.ticket(999)
    with pytest.raises(UnknownTicketError):
        await desk.close(999, STAFF)


async def test_a_20000_character_answer_is_stored_and_delivered_whole(
    desk: EscalationDesk,
) -> None:
    long_answer = "\n\n".join(f"Afsnit {n}. " + "Lang forklaring. " * 60 for n in range(20))
    long_answer = long_answer[:20_000]
    ticket = await desk.open_ticket("Forklar hele udbudsloven", "da", asker())
    stored = await desk.answer(ticket.id, STAFF, long_answer)
    assert stored.answer == long_answer.strip()
    telegram = RecordingDeliverer()
    await OutboxWorker(desk, {"telegram": telegram}).process_once()
    assert long_answer.strip() in telegram.sent[0][1]


async def test_a_second_answer_before_closing_is_delivered_too(desk: EscalationDesk) -> None:
    ticket = await desk.open_ticket("Spørgsmål", "da", asker())
    await desk.answer(ticket.id, STAFF, "Første svar")
    await desk.answer(ticket.id, STAFF, "Rettelse: andet svar")
    telegram = RecordingDeliverer()
    await OutboxWorker(desk, {"telegram": telegram}).process_once()
    assert [text.split("\n\n", 1)[1] for _, text, _ in telegram.sent] == [
        "Første svar",
        "Rettelse: andet svar",
    ]
    assert (await desk.ticket(ticket.id)).answer == "Rettelse: andet svar"


async def test_publishing_the_answer_already_sent_does_not_send_it_again(
    desk: EscalationDesk,
) -> None:
    ticket = await desk.open_ticket("Kan jeg byde på en del af et udbud?", "da", asker())
    await desk.answer(ticket.id, STAFF, "Kun hvis udbuddet er delt i delaftaler.")
    published = await desk.answer(
        ticket.id, STAFF, "Kun hvis udbuddet er delt i delaftaler.", publish=True
    )
    await desk.answer(ticket.id, STAFF, "/faq Kun hvis udbuddet er delt i delaftaler.")

    telegram = RecordingDeliverer()
    await OutboxWorker(desk, {"telegram": telegram}).process_once()
    assert len(telegram.sent) == 1
    assert published.published_now == published.learned_id == 1
    assert [entry.id for entry in await desk.learned_entries()] == ["learned-1"]


async def test_staff_message_reference_maps_a_reply_back_to_its_ticket(
    desk: EscalationDesk,
) -> None:
    first = await desk.open_ticket("Et", "da", asker("1"))
    second = await desk.open_ticket("To", "da", asker("2"))
    await desk.set_staff_message(first.id, "slack", "1732.0001")
    await desk.set_staff_message(first.id, "telegram", "-100:55")
    await desk.set_staff_message(second.id, "slack", "1732.0002")
    await desk.set_staff_message(second.id, "slack", "1732.0002")  # idempotent

    assert await desk.ticket_for_staff_message("slack", "1732.0001") == first.id
    assert await desk.ticket_for_staff_message("telegram", "-100:55") == first.id
    assert await desk.ticket_for_staff_message("slack", "1732.0002") == second.id
    assert await desk.ticket_for_staff_message("slack", "nope") is None
    assert await desk.ticket_for_staff_message("telegram", "1732.0001") is None
    assert await desk.staff_message(first.id, "slack") == "1732.0001"
    assert await desk.staff_message(second.id, "telegram") is None


async def test_list_filters_by_status_newest_first(desk: EscalationDesk) -> None:
    one = await desk.open_ticket("Et", "da", asker("1"))
    two = await desk.open_ticket("To", "da", asker("2"))
    await desk.answer(one.id, STAFF, "Svar")
    assert [t.id for t in await desk.tickets()] == [two.id, one.id]
    assert [t.id for t in await desk.tickets(TicketStatus.OPEN)] == [two.id]
    assert [t.id for t in await desk.tickets(TicketStatus.ANSWERED)] == [one.id]
