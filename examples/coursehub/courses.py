"""The catalog lives in the demo: a one-time purchase needs no plan at payment-service."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    price: int  # cents
    summary: str
    lessons: tuple[str, ...]


COURSES = {
    course.slug: course
    for course in (
        Course(
            "django-basics",
            "Django Basics",
            4900,
            "Models, views and templates in a weekend.",
            ("Your first project", "Models and migrations", "Views and templates"),
        ),
        Course(
            "sql-deep-dive",
            "SQL Deep Dive",
            7900,
            "Indexes, plans and window functions.",
            ("Reading a query plan", "Indexes that help", "Window functions"),
        ),
        Course(
            "typed-python",
            "Typed Python",
            2900,
            "Type hints that catch bugs.",
            ("Annotations", "Generics", "Protocols"),
        ),
    )
}
