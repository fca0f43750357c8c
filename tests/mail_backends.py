"""A mail backend for tests of concurrent sending: Django's in-memory outbox, a little slow.

Each message takes SEND_SECONDS, as a mail server's round trip does, so that two
runs of the outbox started together overlap for the whole batch.
"""

import time

from django.core.mail.backends.locmem import EmailBackend

SEND_SECONDS = 0.02


class SlowLocmemBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(SEND_SECONDS * len(messages))
        return super().send_messages(messages)
