"""The local cloud as product code: what it leaves on the disk."""

import os

from devcloud import credentials
from devcloud import layout


def secrets_of(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from secrets_of(item)
    else:
        yield value


def test_no_log_of_the_local_cloud_holds_one_of_its_secrets():
    """Every service's log, as the tests before this one left them (the
    cloud's start and the clusters launched, healed and deleted): none
    holds a password or key of the install's credentials."""
    secrets = set(secrets_of(credentials.load()))
    assert len(secrets) >= 10
    logs = sorted(os.listdir(layout.LOG_DIR))
    assert 'gnocchi-api.log' in logs and 'keystone.log' in logs
    for name in logs:
        with open(os.path.join(layout.LOG_DIR, name), errors='replace') as f:
            text = f.read()
        assert not [secret for secret in secrets if secret in text], name
