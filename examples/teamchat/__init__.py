"""TeamChat: monthly and yearly plans with a 14-day trial through the hosted Checkout, an
upgrade at once, a downgrade at the period's end, the billing portal, and a banner while the
customer is in a grace period after a failed payment."""
