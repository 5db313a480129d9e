"""One module per service, each building its client from the request."""

from heal_dashboard.api import aodh  # noqa: F401
from heal_dashboard.api import heat  # noqa: F401
from heal_dashboard.api import mistral  # noqa: F401
from heal_dashboard.api import nova  # noqa: F401
from heal_dashboard.api import octavia  # noqa: F401
from heal_dashboard.api import zaqar  # noqa: F401
