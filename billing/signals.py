"""What billing tells the apps above it (grace, usage) without knowing them. Each is sent with
`sender=Subscription`; the receivers connect in their own AppConfig.ready().

- `subscription_invoice_paid` and `subscription_invoice_payment_failed` are sent synchronously
  inside billing's transaction, so the grace period a receiver resolves or opens, and its audit
  row, commit or roll back with the invoice's effect. Keyword arguments: `subscription`,
  `invoice_reference`, `actor`.
- `subscription_changed` is sent once the change is committed (a new period, a plan change, a
  cancellation): its reaction (re-applying the customer's quotas) is a side effect that must
  not undo a change the provider already made. Keyword arguments: `app`, `customer`, `actor`.
- `subscription_invoice_paid` and `subscription_invoice_payment_failed` also carry `now`: when
  it happened in the customer's time (a test clock's, for a customer on one).
  `subscription_invoice_payment_failed` carries `paid_at` too: None while the invoice is owed,
  else when it was paid (the failure was handled late), so the grace period it opens is
  resolved at once.
- `test_clock_ready` is sent with `sender=TestClock` once a test clock's advance is committed:
  the time of its customers moved to `frozen_time`, so what falls due by then (a grace period's
  expiry) is due for them. Keyword arguments: `app`, `test_clock_id`, `frozen_time`.
"""

from django.dispatch import Signal

subscription_invoice_paid = Signal()
subscription_invoice_payment_failed = Signal()
subscription_changed = Signal()
test_clock_ready = Signal()
