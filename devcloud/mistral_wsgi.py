"""Mistral's API for gunicorn, each of its schemas checked once (see
schema_checks.py: creating the healing workflow takes 0.3 s, not 11 s)."""

import jsonschema

from devcloud import schema_checks

jsonschema.validate = schema_checks.validate

from mistral.wsgi import application  # noqa: E402,F401
