"""Words for a person, marked for the message catalog where they are made
(the health model, the capacity check: plain modules without Django) and
translated where a page shows them (words.translated)."""


def N_(message):
    """Marks a message for the catalog (make messages); the page
    translates it where it shows it (Said)."""
    return message


class Said(str):
    """Words for a person: the English text as a str (for logs and
    tests), with the catalog's message and its values, which the page
    translates (words.translated)."""

    def __new__(cls, message, **values):
        said = super().__new__(cls, message % values if values else message)
        said.message, said.values = message, values
        return said
