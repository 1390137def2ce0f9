"""Who may answer tickets and change learned FAQ entries, and the record of refusals.

The operator at the command line always may; anyone else must be a member of
a staff destination (the channel says so) and, when ``Settings.staff_ids`` is
set, be listed there. A refusal is logged and audited under a pseudonym, so
the trail shows attempts without naming who made them.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.escalation.audit import add_audit
from bot.escalation.base import DeskBase
from bot.escalation.errors import NotStaffError
from bot.escalation.privacy import reference
from bot.escalation.views import CLI_PLATFORM, StaffMember

log = logging.getLogger(__name__)


class StaffCheck(DeskBase):
    """The desk's staff check (a mixin for the concerns that act for staff)."""

    def is_staff(self, staff: StaffMember) -> bool:
        """Whether ``staff`` may answer: the operator at the command line, or a member of
        the staff destination who (when ``Settings.staff_ids`` is set) is listed there."""
        if staff.platform == CLI_PLATFORM:
            return True
        if not staff.in_staff_destination:
            return False
        allowed = self.settings.staff_ids
        return not allowed or staff.qualified_id in allowed or staff.user_id in allowed

    async def _require_staff(
        self, staff: StaffMember, action: str, ticket_id: int | None, **detail: object
    ) -> None:
        """Return if ``staff`` may act; else log, audit and raise ``NotStaffError``."""
        if self.is_staff(staff):
            return
        who = reference(self._pseudonyms.key(staff.platform, staff.user_id))
        log.warning("Refused %s on ticket %s by non-staff %s", action, ticket_id, who)

        def work(session: Session) -> None:
            add_audit(
                session,
                self.clock(),
                "refused",
                ticket_id,
                actor=who,
                detail={"action": action, **detail},
            )

        await self._db(work)
        raise NotStaffError(f"{staff.display} ({staff.platform})")
