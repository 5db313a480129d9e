"""The local cloud's own secrets, made for each install on its first start.

Nothing shared between installs: the services' passwords (Keystone service
users, PostgreSQL roles, Redis, RabbitMQ), Horizon's SECRET_KEY, Zaqar's
signed-URL key and Heat's auth_encryption_key (which encrypts the stacks'
credentials) are random, kept in .devcloud/credentials.json, readable by
root alone. The people's logins (demo, demo-reader, admin) stay the
documented ones: make run prints them.
"""

import json
import os
import secrets

from devcloud import layout
from devcloud import process

FILE_NAME = 'credentials.json'
# PostgreSQL roles: each owns its databases (layout.DATABASES and the
# compute tier's).
DATABASE_OWNERS = {
    'keystone': 'keystone', 'heat': 'heat', 'mistral': 'mistral',
    'aodh': 'aodh', 'nova_api': 'nova', 'nova_cell0': 'nova', 'nova': 'nova',
    'placement': 'placement', 'glance': 'glance', 'neutron': 'neutron',
    'gnocchi': 'gnocchi', 'octavia': 'octavia',
}
KEYS = ('service_password', 'postgres_password', 'redis_password',
        'rabbit_password', 'horizon_secret_key', 'signed_url_key',
        # Heat's AES key must be 32 characters.
        'heat_auth_encryption_key',
        # Octavia's throwaway CA key's passphrase; the key that encrypts
        # the amphorae's certificates (32 characters).
        'octavia_ca_passphrase', 'octavia_certs_key')


class StaleState(process.DevcloudError):
    """A state directory made before the cloud had credentials of its own."""


def path():
    return layout.path(FILE_NAME)


def _made():
    made = {key: secrets.token_hex(16) for key in KEYS}
    made['databases'] = {owner: secrets.token_hex(16)
                         for owner in sorted(set(DATABASE_OWNERS.values()))}
    return made


def load():
    """The credentials, made now on a fresh state directory."""
    try:
        with open(path(), encoding='utf-8') as f:
            return _with_new_secrets(json.load(f))
    except FileNotFoundError:
        pass
    if os.path.exists(layout.path('initialised')):
        raise StaleState(
            '%s was made by an older devcloud, with shared keys and '
            'PostgreSQL open to every local user; it cannot be moved to '
            'credentials of its own (Heat could no longer read its stacks\' '
            'credentials). Remove it and start afresh (its clusters go '
            'with it): make stop && rm -rf %s' % (layout.STATE, layout.STATE))
    made = _made()
    os.makedirs(layout.STATE, exist_ok=True)
    descriptor = os.open(path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, 'w', encoding='utf-8') as f:
        json.dump(made, f, indent=1)
    return made


def _with_new_secrets(known):
    """The credentials, with the secrets of services added to the cloud
    since they were made (saved): a service joining an existing install
    gets secrets of its own too."""
    missing_keys = set(KEYS) - set(known)
    missing = set(DATABASE_OWNERS.values()) - set(known['databases'])
    if missing or missing_keys:
        known.update({key: secrets.token_hex(16)
                      for key in sorted(missing_keys)})
        known['databases'].update({owner: secrets.token_hex(16)
                                   for owner in sorted(missing)})
        descriptor = os.open(path() + '.new',
                             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'w', encoding='utf-8') as f:
            json.dump(known, f, indent=1)
        os.replace(path() + '.new', path())
    return known


def get(key):
    return load()[key]


def database_url(database, driver='postgresql'):
    """The URL a service connects to its database with, as its owner."""
    owner = DATABASE_OWNERS[database]
    return '%s://%s:%s@%s:5432/%s' % (driver, owner,
                                      load()['databases'][owner],
                                      layout.HOST, database)


def superuser_url(database='postgres'):
    return 'postgresql://postgres:%s@%s:5432/%s' % (
        get('postgres_password'), layout.HOST, database)


def redis_url():
    return 'redis://:%s@%s:6379' % (get('redis_password'), layout.HOST)


def transport_url():
    return 'rabbit://devcloud:%s@%s:5672/' % (get('rabbit_password'),
                                              layout.HOST)
