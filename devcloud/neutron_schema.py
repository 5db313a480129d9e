"""Neutron's schema on PostgreSQL from its models (its migrations hold
MySQL-only SQL); run with the compute venv's python, the URL in
DEVCLOUD_SCHEMA_DB (not on the command line: it holds a password)."""

import os

import sqlalchemy
from neutron.db.migration.models import head  # noqa: F401 (every model)
from neutron_lib.db import model_base

if __name__ == '__main__':
    model_base.BASEV2.metadata.create_all(sqlalchemy.create_engine(
        os.environ['DEVCLOUD_SCHEMA_DB']))
