"""Word lists the generator combines into fictional names. Every name is
invented: combinations of place-like words and group nouns, work names made
of common words, and addresses on the reserved example.org domain."""

# fmt: off
PLACES = (
    "Riverton", "Fairview", "Eastside", "Harbor", "Northgate", "Maple", "Cedar", "Lakeshore", "Hillcrest",
    "Brookfield", "Westbridge", "Southpoint", "Ashford", "Pinecrest", "Millbrook", "Stonegate", "Willow",
    "Oakridge", "Bayview", "Greenfield", "Sunset", "Elmwood", "Kingsway", "Foxhollow", "Redwood", "Clearwater",
)
QUALITIES = (
    "Night", "Peer", "Open Door", "Lantern", "Safe Harbor", "Common Ground", "Bridge", "Beacon", "Circle",
    "Compass", "Anchor", "Shelter", "Thread", "Nightingale", "Quiet Hours", "Porch Light", "Open Hand",
)
GROUPS = (
    "Collective", "Safety Circle", "Mutual Aid", "Health Project", "Legal Clinic", "Outreach", "Network",
    "Drop-in", "Support Line", "Alliance", "Co-op", "Harm Reduction Team", "Advocacy Group", "Peer Line",
)
WORK_NAMES = (
    "Jade", "Coco", "Onyx", "Bee", "Sunny", "Luz", "Reina", "Star", "Paloma", "Sage", "River", "Indigo", "Rain",
    "Cricket", "Juniper", "Wren", "Pepper", "Velvet", "Echo", "Marigold", "Opal", "Clover", "Raven", "Lark",
    "Fern", "Honey", "Ivy", "Skye", "Blue", "Ember", "Poppy", "Dove", "Saffron", "Topaz", "Basil", "Aster",
)
ROLES = ("Organizer", "Co-founder", "Volunteer", "Treasurer", "Drop-in lead", "Trainer", "Coordinator", "")
STAFF_FIRST = ("Dana", "Luis", "Morgan", "Sam", "Alex", "Robin", "Jamie", "Kai", "Noor", "Tess", "Ari", "Quinn")
STAFF_LAST = ("Okoro", "Ferrante", "Hale", "Ito", "Moreau", "Lindqvist", "Achebe", "Sato", "Novak", "Reyes")
TAGS = (
    "Downtown", "Night outreach", "Spanish-speaking", "Eastside", "Trans-led", "Migrant workers", "Street-based",
    "Online work", "Youth", "Housing", "Legal aid", "Health clinic", "Rural", "Harbor district", "Funding partner",
)
SUMMARIES = (
    "Checked in on the drop-in schedule and what they need for next month.",
    "Talked through the bad-date alert line and how we can help spread it.",
    "Planned a joint training on safety planning; they lead, we host.",
    "Heard their concerns about police presence near the meeting space.",
    "Followed up on the supplies they asked for; delivery date agreed.",
    "Introductions to the legal clinic; they will decide if they want a meeting.",
    "Shared news about the emergency fund and how to apply.",
)
NOTES = (
    "Asked us not to mention the drop-in address in any report.",
    "Two members worry about being seen at our office. Meet somewhere neutral.",
    "Funding is tight this quarter; do not promise anything we cannot deliver.",
    "A member had a frightening encounter last week; check in gently.",
)
REQUEST_TEXTS = (
    "A room for the monthly meeting, evenings.",
    "Emergency funds for a member who lost housing.",
    "Condoms, lube and naloxone for outreach nights.",
    "A know-your-rights training in Spanish.",
    "Referrals to a clinic that does not ask for ID.",
    "Help writing to the council about the new ordinance.",
)
DELIVERY_TEXTS = (
    "Meeting room booked for three evenings.",
    "Emergency grant paid.",
    "Outreach supplies dropped off.",
    "Training delivered with their trainers leading.",
    "Warm referral made; they followed up themselves.",
)
SHORT_ANSWERS = (
    "Keep the evening hours.",
    "More Spanish-speaking staff, please.",
    "The team listens. Thank you.",
    "Ask us before planning events for us.",
    "Faster answers on emergency funds.",
)
