"""Words for a person (said.Said) in their language, where the page shows
them: the modules that make them have no Django, so they only mark them."""

from django.utils.translation import gettext

from heal_dashboard import said


def translated(text):
    """A said.Said in the request's language; other text as it is (a
    service's own words, e.g. Heat's reasons)."""
    if not isinstance(text, said.Said):
        return text
    message = gettext(text.message)
    if not text.values:
        return message
    # Words inside words (a cause in a heal's end) are translated too.
    return message % {name: translated(value)
                      for name, value in text.values.items()}
