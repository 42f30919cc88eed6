"""Signals of field work, so that who reacts (notifications) need not be known here.

Both are sent inside the transaction that records the event; receivers that enqueue work do it
on commit, so a rolled-back write sends nothing.
"""

from django.dispatch import Signal

# A case reached its receiving agency (sender: EscalationCase, keyword `case`).
case_sent = Signal()

# A sanction step's deadline passed with no compliance (sender: SanctionStep, keyword `step`).
sanction_deadline_lapsed = Signal()
