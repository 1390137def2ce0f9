"""Staff manage learned FAQ entries from their channel: ``/faq liste``, ``/faq ret N …``,
``/faq fjern N`` (English: ``list``, ``edit``, ``withdraw``).

Platform-neutral: a channel hands over the text and who wrote it, and posts
the returned reply (in the staff language). The commands are recognised only
in exactly these forms, so an answer that starts with ``/faq`` (publish) is
never taken for one. The desk checks that the writer is staff and audits
every change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.escalation.desk import EscalationDesk
from bot.escalation.errors import DeskError, NotStaffError
from bot.escalation.learned import split_phrasings
from bot.escalation.split import one_line
from bot.escalation.views import LearnedView, StaffMember, learned_id
from bot.escalation.workdays import COPENHAGEN
from bot.texts import text

LIST_LIMIT = 25


class FaqAction(StrEnum):
    LIST = "list"
    EDIT = "edit"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class FaqCommand:
    action: FaqAction
    number: int = 0
    text: str = ""


_LIST = re.compile(r"^\s*/faq(?:@\w+)?\s+(?:liste|list)\s*$", re.IGNORECASE)
_WITHDRAW = re.compile(
    r"^\s*/faq(?:@\w+)?\s+(?:fjern|withdraw)\s+#?(?:learned-)?(\d{1,9})\s*$", re.IGNORECASE
)
_EDIT = re.compile(
    r"^\s*/faq(?:@\w+)?\s+(?:ret|edit)\s+#?(?:learned-)?(\d{1,9})\s+(\S.*)$",
    re.IGNORECASE | re.DOTALL,
)


def parse_faq_command(message: str) -> FaqCommand | None:
    """The command ``message`` gives, or None when it is not one of the three."""
    if _LIST.match(message):
        return FaqCommand(FaqAction.LIST)
    if match := _WITHDRAW.match(message):
        return FaqCommand(FaqAction.WITHDRAW, int(match.group(1)))
    if match := _EDIT.match(message):
        return FaqCommand(FaqAction.EDIT, int(match.group(1)), match.group(2).strip())
    return None


async def run_faq_command(
    desk: EscalationDesk, command: FaqCommand, staff: StaffMember, language: str
) -> str:
    """Carry out ``command`` for ``staff`` and say what happened, in ``language``.

    An edit replaces the answer; its ``also: …`` lines add phrasings instead
    (an edit of only such lines keeps the answer).
    """
    try:
        match command.action:
            case FaqAction.LIST:
                if not desk.is_staff(staff):
                    raise NotStaffError(staff.display)
                return _listing(await desk.learned_list(), language)
            case FaqAction.WITHDRAW:
                entry = await desk.withdraw_learned(command.number, staff)
                return text("staff_faq_withdrawn", language, entry=learned_id(entry.number))
            case FaqAction.EDIT:
                answer, also = split_phrasings(command.text)
                entry = await desk.edit_learned(
                    command.number, staff, answer=answer or None, also=also
                )
                return text("staff_faq_edited", language, entry=learned_id(entry.number))
    except NotStaffError:
        return text("staff_refused", language)
    except DeskError as error:
        return str(error)


def _listing(entries: list[LearnedView], language: str) -> str:
    if not entries:
        return text("staff_faq_none", language)
    shown = entries[-LIST_LIMIT:]
    lines = [
        f"{learned_id(e.number)} ({e.published_at.astimezone(COPENHAGEN):%Y-%m-%d}): "
        f"{one_line(e.question, 80)}"
        for e in shown
    ]
    return text("staff_faq_list", language, count=len(entries), lines="\n".join(lines))
