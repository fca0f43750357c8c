"""What the progress computation tells the apps above it, without knowing who listens.

`figures_recomputed` is sent once a recompute has committed, with `agreement_id`
(None after a full rebuild): the dashboards render their most read pages again.
"""

from django.dispatch import Signal

figures_recomputed = Signal()
