"""Sending an e-mail from a task: tried again later while the mail server fails, up to
IDM_MAIL_ATTEMPTS tries, each wait twice the last (at most an hour)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from idm.core.tasks import can_wait

logger = logging.getLogger(__name__)


def _retry_delay(attempt: int) -> timedelta:
    return timedelta(seconds=min(settings.IDM_MAIL_RETRY_SECONDS * 2 ** (attempt - 1), 3600))


def send_or_retry(send, *, retry, attempt: int, what: str, on_failure=None) -> bool:
    """Calls `send()`; True once sent. When it fails, `on_failure(reason, again)` notes why, and
    `retry(when)` queues try `attempt + 1` for later (False), or, after the last try, the error is
    raised: the task fails and its result says why."""
    try:
        send()
    except Exception as error:  # refused, timed out, rejected: each is worth another try
        again = attempt < settings.IDM_MAIL_ATTEMPTS and can_wait()
        reason = f"{type(error).__name__}: {error}"[:300]
        if on_failure is not None:
            on_failure(reason, again)
        if not again:
            logger.error("E-mail about %s not sent after %s tries: %s", what, attempt, reason)
            raise
        retry(timezone.now() + _retry_delay(attempt))
        logger.warning("E-mail about %s not sent (try %s), tried again later: %s",
                       what, attempt, reason)
        return False
    return True
