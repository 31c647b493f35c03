"""What billing tells the apps above it (grace, usage) without knowing them. Each is sent with
`sender=Subscription`; the receivers connect in their own AppConfig.ready().

- `subscription_invoice_paid` and `subscription_invoice_payment_failed` are sent synchronously
  inside billing's transaction, so the grace period a receiver resolves or opens, and its audit
  row, commit or roll back with the invoice's effect. Keyword arguments: `subscription`,
  `invoice_reference`, `actor`.
- `subscription_changed` is sent once the change is committed (a new period, a plan change, a
  cancellation): its reaction (re-applying the customer's quotas) is a side effect that must
  not undo a change the provider already made. Keyword arguments: `app`, `customer`, `actor`.
"""

from django.dispatch import Signal

subscription_invoice_paid = Signal()
subscription_invoice_payment_failed = Signal()
subscription_changed = Signal()
