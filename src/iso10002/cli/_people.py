"""Made-up complainants, subjects and words for the demo (every name is invented)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from iso10002.model import (
    Complainant,
    ComplaintForm,
    ContactMethod,
    Subject,
)

__all__ = ["CATEGORIES", "CHANNELS", "chance", "make_form", "pick"]

_FIRST = (
    "Alex", "Sam", "Jordan", "Priya", "Mohammed", "Olivia", "Noah", "Amelia", "Wei",
    "Fatima", "Liam", "Chloe", "Kwame", "Aisha", "Tomasz", "Ingrid", "Mateo", "Yuki",
    "Grace", "Oscar", "Niamh", "Ravi", "Elena", "Daniel",
)  # fmt: skip
_LAST = (
    "Taylor", "Smith", "Patel", "Khan", "Jones", "Williams", "Brown", "Nowak", "Chen",
    "Okafor", "Murphy", "Garcia", "Rossi", "Evans", "Hughes", "Ali", "Kowalski",
    "Nakamura", "Campbell", "Singh", "Davies", "Moreau", "Silva", "Larsen",
)  # fmt: skip

CHANNELS: tuple[tuple[str, float], ...] = (
    ("web", 0.30),
    ("email", 0.24),
    ("phone", 0.25),
    ("letter", 0.05),
    ("chat", 0.07),
    ("social_media", 0.04),
    ("in_person", 0.02),
    ("app", 0.03),
)
"""Channels and how often complaints arrive through each."""

# category: (weight, products or services, what went wrong, what they want)
CATEGORIES: dict[
    str, tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
] = {
    "billing": (
        0.26,
        ("Electricity", "Gas", "Broadband", "Mobile plan"),
        (
            "I was charged twice for the same month.",
            "My direct debit went up without any notice.",
            "The bill uses an estimated reading although I sent a meter reading.",
            "A cancelled add-on is still on my bill.",
        ),
        ("Refund the overcharge.", "Correct the bill.", "Explain the charges."),
    ),
    "service_quality": (
        0.18,
        ("Broadband", "Mobile plan", "Home insurance"),
        (
            "The connection has dropped every evening for three weeks.",
            "The engineer did not turn up for the booked appointment.",
            "The repair did not fix the fault and I had to call again.",
        ),
        ("Fix the fault.", "Compensation for the lost service.", "A new appointment."),
    ),
    "delivery": (
        0.11,
        ("Router", "Smart meter", "Handset"),
        (
            "The parcel was marked delivered but never arrived.",
            "The replacement device arrived damaged.",
            "Delivery was three weeks later than promised.",
        ),
        ("Send a replacement.", "Refund the delivery charge."),
    ),
    "product_fault": (
        0.11,
        ("Router", "Smart meter", "Handset", "Mobile app"),
        (
            "The device stopped working after two weeks.",
            "The smart meter shows readings that cannot be right.",
            "The app crashes every time I try to pay.",
        ),
        ("Replace the device.", "Fix the app.", "Check the meter."),
    ),
    "staff_conduct": (
        0.08,
        ("Contact centre", "Branch", "Field engineers"),
        (
            "The adviser was rude and ended the call.",
            "I was given wrong information twice.",
            "Nobody called back although I was promised a call.",
        ),
        ("An apology.", "Speak to a manager."),
    ),
    "communication": (
        0.10,
        ("Letters", "E-mail updates", "Account notices"),
        (
            "I received a final notice for a bill I already paid.",
            "Letters keep going to my old address.",
            "I was not told my tariff was ending.",
        ),
        ("Stop the letters.", "Update my details.", "An explanation."),
    ),
    "digital_service": (
        0.08,
        ("Website", "Mobile app", "Online account"),
        (
            "I cannot log in to my online account.",
            "The website does not work with my screen reader.",
            "My online payment failed but the money left my account.",
        ),
        ("Fix my account access.", "An accessible way to pay."),
    ),
    "complaints_handling": (
        0.04,
        ("Complaints team",),
        (
            "My earlier complaint was never answered.",
            "I had to explain my complaint four times.",
        ),
        ("A proper answer.", "Someone to own my complaint."),
    ),
    "privacy": (
        0.04,
        ("Customer records",),
        (
            "Someone else's bill was sent to me.",
            "I was sent marketing after I opted out.",
        ),
        ("Confirm my data is safe.", "Stop the marketing."),
    ),
}
"""Complaint categories: weight, subjects, descriptions and desired outcomes."""

_CONTACTS = (
    (ContactMethod.EMAIL, 0.55),
    (ContactMethod.PHONE, 0.25),
    (ContactMethod.POST, 0.12),
    (ContactMethod.SMS, 0.06),
    (ContactMethod.ACCESSIBLE_FORMAT, 0.02),
)
_LANGUAGES = (("en-GB", 0.9), ("cy", 0.04), ("pl", 0.03), ("ur", 0.03))


def chance(rng: random.Random, probability: float) -> bool:
    """Return ``True`` with ``probability``."""
    return rng.random() < probability


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    """Return one name of ``weighted`` with probability proportional to its weight."""
    names = [name for name, _ in weighted]
    return rng.choices(names, weights=[w for _, w in weighted])[0]


def make_form(
    rng: random.Random, category: str, number: int, received_at: datetime
) -> ComplaintForm:
    """Return an invented complainant's form about ``category``."""
    _, subjects, descriptions, outcomes = CATEGORIES[category]
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    contact = rng.choices([c for c, _ in _CONTACTS], weights=[w for _, w in _CONTACTS])[
        0
    ]
    complainant = Complainant(
        name=f"{first} {last}",
        email=f"{first}.{last}{number}@example.org".lower(),
        phone=f"+44 20 7946 {rng.randint(0, 9999):04d}" if chance(rng, 0.5) else None,
        customer_reference=f"ACC-{rng.randint(100_000, 999_999)}",
        preferred_contact=contact,
        language=pick(rng, _LANGUAGES),
        vulnerable=chance(rng, 0.04),
        accessibility_needs=("large print",) if chance(rng, 0.02) else (),
    )
    incident = received_at - timedelta(days=rng.randint(0, 20))
    subject = Subject(
        product=rng.choice(subjects),
        references=(f"INV-{rng.randint(10_000, 99_999)}",) if chance(rng, 0.4) else (),
        incident_date=incident.date(),
    )
    return ComplaintForm(
        complainant=complainant,
        description=rng.choice(descriptions),
        desired_outcome=rng.choice(outcomes) if chance(rng, 0.8) else None,
        subject=subject,
    )
