"""What the report workflow tells the rest of the portal, without knowing who listens.

`report_changed` is sent inside the transaction of every workflow action, with
`report`, `event` (opened, saved, submitted, approved, returned, reopened) and `user`;
a report opened by its first save sends opened, then saved.
A receiver's own writes therefore commit or roll back with the action; the
progress figures follow approvals and reopenings this way, and the notices of a
decision are written to the outbox (notifications/receivers.py).
"""

from django.dispatch import Signal

report_changed = Signal()
