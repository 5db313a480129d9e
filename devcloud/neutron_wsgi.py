"""Neutron's API for gunicorn, with every model imported and the mappers
configured first: without them, listing ports fails (Port has no
port_forwardings)."""

import sqlalchemy.orm
from neutron.db.migration.models import head  # noqa: F401 (every model)

sqlalchemy.orm.configure_mappers()

from neutron.wsgi.api import application  # noqa: E402,F401
