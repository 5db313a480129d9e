"""The health model's words (health.Said) in the person's language, where
the page shows them: health.py has no Django, so it only marks them."""

from django.utils.translation import gettext

from heal_dashboard import health


def translated(text):
    """A health.Said in the request's language; other text as it is (a
    service's own words, e.g. Heat's reasons)."""
    if not isinstance(text, health.Said):
        return text
    message = gettext(text.message)
    return message % text.values if text.values else message
