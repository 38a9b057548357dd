"""Phrases that mark advertising and scams rather than news, for the spam check in checks/style.py.

Chosen to be rare in honest reporting: calls to action ("jetzt kaufen"), promises of money and
prizes, and the wording of crypto and loan scams. Phrases that news quotes in passing ("buy now,
pay later", "act now" in an opinion piece) are left out. Matching ignores case, and spaces and
hyphens between words are interchangeable.
"""

ENGLISH = (
    "click here to win",
    "click the link below",
    "100% free",
    "crypto giveaway",
    "double your bitcoin",
    "double your crypto",
    "guaranteed profit",
    "guaranteed returns",
    "earn money from home",
    "make money fast",
    "risk-free investment",
    "no credit check",
    "claim your prize",
    "claim your reward",
    "free gift card",
    "limited time offer",
    "order now",
    "lose weight fast",
    "casino bonus",
    "cheap viagra",
    "whatsapp me",
    "dm me for details",
)

GERMAN = (
    "jetzt kaufen",
    "jetzt bestellen",
    "gratis gewinnen",
    "jetzt gewinnen",
    "100% kostenlos",
    "hier klicken",
    "klicken sie hier",
    "nur für kurze zeit",
    "zeitlich begrenztes angebot",
    "garantierter gewinn",
    "garantierte rendite",
    "schnell reich werden",
    "geld verdienen von zu hause",
    "von zu hause aus geld verdienen",
    "risikolose investition",
    "krypto-gewinnspiel",
    "bitcoin verdoppeln",
    "sie haben gewonnen",
    "kredit ohne schufa",
    "abnehmen ohne diät",
    "bonus ohne einzahlung",
    "gutschein sichern",
)

SPAM_PHRASES = ENGLISH + GERMAN
