"""Signals other apps listen to, so that worker lists need not know who reacts to them."""

from django.dispatch import Signal

# Sent inside the transaction that marks a list done (sender: WorkerListSubmission, keyword
# `submission`). Receivers that enqueue work do it on commit, so a rolled-back list sends nothing.
worker_list_finished = Signal()
