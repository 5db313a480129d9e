"""Where the local cloud keeps its state, and the fixed facts about it:
addresses, the people's logins (a dev cloud on loopback: they are printed)
and the settings the config templates are rendered with. The services'
own secrets are made per install (credentials.py)."""

import os
import string
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.environ.get('DEVCLOUD_STATE', os.path.join(REPO, '.devcloud'))
CONFIG_TEMPLATES = os.path.join(os.path.dirname(__file__), 'config')
VENV = sys.prefix
# The compute tier's own venv (see compute.py); absent, the cloud has none.
COMPUTE_VENV = os.environ.get('DEVCLOUD_COMPUTE_VENV',
                              os.path.join(REPO, '.venv-compute'))

HOST = '127.0.0.1'
REGION = 'RegionOne'
KEYSTONE_URL = 'http://%s:5000' % HOST
DASHBOARD_URL = 'http://%s:8080/' % HOST
ADMIN = {'username': 'admin', 'password': 'devcloud-admin',
         'project': 'admin'}
DEMO = {'username': 'demo', 'password': 'devcloud-demo', 'project': 'demo'}
DEMO_ROLES = ('member', 'heat_stack_owner')
# Only the reader role in project demo: may look, may not heal.
READER = {'username': 'demo-reader', 'password': 'devcloud-reader',
          'project': 'demo'}
DATABASES = ('keystone', 'heat', 'mistral', 'aodh')

# (service type, name, URL) for the catalog.
CATALOG = (
    ('orchestration', 'heat', 'http://%s:8004/v1/%%(project_id)s' % HOST),
    ('workflowv2', 'mistral', 'http://%s:8989/v2' % HOST),
    ('messaging', 'zaqar', 'http://%s:8888' % HOST),
    ('alarming', 'aodh', 'http://%s:8042' % HOST),
)


def session_for(user):
    """A keystoneauth session of one of the local cloud's users."""
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3
    auth = v3.Password(
        auth_url=KEYSTONE_URL + '/v3', username=user['username'],
        password=user['password'], project_name=user['project'],
        user_domain_id='default', project_domain_id='default')
    return ks_session.Session(auth=auth)


def path(*parts):
    return os.path.join(STATE, *parts)


LOG_DIR = path('log')
# The services' shared token cache: a socket only its server's user and
# root may open (memcached has no password; it listens on no port).
MEMCACHED_SOCKET = path('memcached', 'memcached.sock')
RUN_DIR = path('run')
# Every service runs with this HOME: oslo.config finds each project's file
# in ~/.<project>/<project>.conf, also where a WSGI app builds its own
# configuration without command-line arguments.
HOME = path('home')


def config_dir(project):
    return os.path.join(HOME, '.' + project)


def config_file(project, name=None):
    return os.path.join(config_dir(project), name or project + '.conf')


def template_values(service_user=None):
    from devcloud import credentials
    values = {
        'state_dir': STATE, 'log_dir': LOG_DIR, 'venv': VENV,
        'keystone_url': KEYSTONE_URL, 'memcached_socket': MEMCACHED_SOCKET,
        'redis_url': credentials.redis_url(),
        'transport_url': credentials.transport_url(),
    }
    values.update({key: credentials.get(key) for key in (
        'service_password', 'horizon_secret_key', 'signed_url_key',
        'heat_auth_encryption_key', 'octavia_ca_passphrase',
        'octavia_certs_key')})
    # Each database as its owner sees it; the compute tier's on psycopg2
    # (see compute.py).
    for database in credentials.DATABASE_OWNERS:
        values['db_' + database] = credentials.database_url(
            database, 'postgresql' if database in DATABASES
            else 'postgresql+psycopg2')
    if service_user:
        values['service_user'] = service_user
        values['authtoken'] = render('authtoken.conf.in', values)
    return values


def render(template_name, values):
    with open(os.path.join(CONFIG_TEMPLATES, template_name),
              encoding='utf-8') as f:
        return string.Template(f.read()).substitute(values)


def write(file_path, text, owner=None):
    """Write a file readable by root alone (or by `owner`, a service's
    user): configurations hold the install's secrets."""
    os.makedirs(os.path.dirname(file_path), exist_ok=True)
    descriptor = os.open(file_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                         0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, 'w', encoding='utf-8') as f:
        f.write(text)
    if owner:
        import shutil
        shutil.chown(file_path, owner, owner)
