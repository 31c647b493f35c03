"""CourseHub: courses bought once through the hosted Checkout, refunded (in part or in full)
from its own admin page."""
