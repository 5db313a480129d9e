"""First start: data directories, configuration, databases, Keystone's
projects, users, roles and catalog. Every step can run again safely."""

import functools
import os
import shutil

from keystoneclient.v3 import client as keystone_client

from devcloud import credentials
from devcloud import layout
from devcloud import process
from devcloud import services

SERVICE_USERS = ('heat', 'mistral', 'zaqar', 'aodh')
HEAT_ROLES = ('heat_stack_owner', 'heat_stack_user')


def write_configs():
    """Render every service's configuration from devcloud/config."""
    for project in ('heat', 'mistral', 'zaqar', 'aodh'):
        layout.write(layout.config_file(project), layout.render(
            project + '.conf.in', layout.template_values(project)))
    layout.write(layout.config_file('keystone'), layout.render(
        'keystone.conf.in', layout.template_values()))
    layout.write(layout.path('rabbitmq', 'rabbitmq.conf'), layout.render(
        'rabbitmq.conf.in', {'rabbit_password':
                             credentials.get('rabbit_password')}))
    layout.write(layout.path('rabbitmq', 'enabled_plugins'), '[].\n')
    layout.write(layout.path('horizon', 'local', '__init__.py'), '')
    layout.write(layout.path('horizon', 'local', 'local_settings.py'),
                 layout.render('local_settings.py.in',
                               layout.template_values()))
    write_aodh_paste()
    layout.write(layout.path('redis', 'redis.conf'),
                 'requirepass %s\n' % credentials.get('redis_password'))


def write_aodh_paste():
    """Aodh's paste pipeline, with its filters told where aodh.conf is
    (they read their options from a configuration of their own)."""
    import aodh.api
    source = os.path.join(os.path.dirname(aodh.api.__file__),
                          'api-paste.ini')
    lines = []
    with open(source, encoding='utf-8') as f:
        for line in f:
            lines.append(line)
            if line.strip() == 'oslo_config_project = aodh':
                lines.append('oslo_config_file = %s\n'
                             % layout.config_file('aodh'))
    layout.write(layout.path('etc', 'aodh-api-paste.ini'), ''.join(lines))


def own(path, user):
    os.makedirs(path, exist_ok=True)
    shutil.chown(path, user, user)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            shutil.chown(os.path.join(folder, name), user, user)


def prepare_data_dirs():
    """Data directories owned by the users the servers run as."""
    pg_data = layout.path('postgres')
    if not os.path.exists(os.path.join(pg_data, 'PG_VERSION')):
        own(pg_data, 'postgres')
        # Password authentication, also on the socket: the superuser's
        # password comes from a file only postgres can read, for initdb.
        password_file = layout.path('postgres-password')
        layout.write(password_file, credentials.get('postgres_password'),
                     owner='postgres')
        try:
            process.run_once([
                os.path.join(services.PG_BIN, 'initdb'), '-D', pg_data,
                '--auth=scram-sha-256', '--pwfile', password_file,
                '-U', 'postgres', '--encoding=UTF8', '--locale=C'],
                user='postgres')
        finally:
            os.remove(password_file)
    own(layout.path('rabbitmq'), 'rabbitmq')
    own(layout.path('memcached'), 'memcache')
    # The state holds the install's secrets: its files are root's alone
    # (0600), its folders too but for the servers' own, and others may
    # only pass through it to theirs.
    os.chmod(layout.STATE, 0o711)
    for name in os.listdir(layout.STATE):
        folder = layout.path(name)
        if os.path.isdir(folder) and name not in ('postgres', 'rabbitmq'):
            os.chmod(folder, 0o700)


def create_databases(names=layout.DATABASES):
    """Each database owned by its service's role, which logs in with its
    own password."""
    import psycopg
    from psycopg import sql
    passwords = credentials.load()['databases']
    with psycopg.connect(credentials.superuser_url(),
                         autocommit=True) as conn:
        roles = {row[0] for row in conn.execute(
            'SELECT rolname FROM pg_roles')}
        existing = {row[0] for row in conn.execute(
            'SELECT datname FROM pg_database')}
        for name in names:
            owner = credentials.DATABASE_OWNERS[name]
            if owner not in roles:
                conn.execute(sql.SQL(
                    'CREATE ROLE {} LOGIN PASSWORD {}').format(
                        sql.Identifier(owner), sql.Literal(passwords[owner])))
                roles.add(owner)
            if name not in existing:
                conn.execute(sql.SQL('CREATE DATABASE {} OWNER {}').format(
                    sql.Identifier(name), sql.Identifier(owner)))


def sync_keystone():
    conf = ['--config-file', layout.config_file('keystone')]
    manage = services.venv_bin('keystone-manage')
    process.run_once([manage] + conf + ['db_sync'])
    for setup in ('fernet_setup', 'credential_setup'):
        process.run_once([manage] + conf + [
            setup, '--keystone-user', 'root', '--keystone-group', 'root'])
    url = layout.KEYSTONE_URL + '/v3'
    process.run_once([manage] + conf + [
        'bootstrap', '--bootstrap-password', layout.ADMIN['password'],
        '--bootstrap-admin-url', url, '--bootstrap-internal-url', url,
        '--bootstrap-public-url', url,
        '--bootstrap-region-id', layout.REGION])


def sync_services():
    """Heat's, Mistral's and Aodh's schemas, at once: each its own
    database."""
    mistral_manage = [services.venv_bin('mistral-db-manage'),
                      '--config-file', layout.config_file('mistral')]

    def mistral():
        process.run_once(mistral_manage + ['upgrade', 'head'])
        process.run_once(mistral_manage + ['populate'])
    process.together(
        functools.partial(process.run_once, [
            services.venv_bin('heat-manage'), '--config-file',
            layout.config_file('heat'), 'db_sync']),
        mistral,
        functools.partial(process.run_once, [
            services.venv_bin('aodh-dbsync'), '--config-file',
            layout.config_file('aodh')]))


def admin_client():
    return keystone_client.Client(session=layout.session_for(layout.ADMIN))


def find_or_create(manager, name, **kwargs):
    found = manager.list(name=name, **{k: v for k, v in kwargs.items()
                                       if k == 'domain'})
    return found[0] if found else manager.create(name=name, **kwargs)


def populate_keystone():
    """Projects, users, roles, the heat domain and the catalog."""
    ks = admin_client()
    default = ks.domains.get('default')
    demo_project = find_or_create(ks.projects, layout.DEMO['project'],
                                  domain=default)
    roles = {name: find_or_create(ks.roles, name)
             for name in ('admin', 'member', 'reader') + HEAT_ROLES}
    add_services(ks, SERVICE_USERS, layout.CATALOG)
    demo = find_or_create(ks.users, layout.DEMO['username'], domain=default,
                          password=layout.DEMO['password'])
    for role in layout.DEMO_ROLES:
        ks.roles.grant(roles[role], user=demo, project=demo_project)
    add_reader(ks)
    admin = ks.users.list(name=layout.ADMIN['username'])[0]
    ks.roles.grant(roles['admin'], user=admin, project=demo_project)
    heat_domain = find_or_create(ks.domains, 'heat',
                                 description='Heat stack users')
    heat_admin = find_or_create(ks.users, 'heat_domain_admin',
                                domain=heat_domain,
                                password=credentials.get('service_password'))
    ks.roles.grant(roles['admin'], user=heat_admin, domain=heat_domain)


def add_reader(ks):
    """The demo project's reader: the user the trust tests try to heal
    with (and a login to see what a reader sees)."""
    default = ks.domains.get('default')
    reader = find_or_create(ks.users, layout.READER['username'],
                            domain=default,
                            password=layout.READER['password'])
    ks.roles.grant(find_or_create(ks.roles, 'reader'), user=reader,
                   project=find_or_create(ks.projects,
                                          layout.READER['project'],
                                          domain=default))
    return reader


def add_services(ks, user_names, catalog):
    """Service users (admin and service in the service project: Neutron
    accepts Nova's service token only with the service role) and the
    services' catalog entries."""
    default = ks.domains.get('default')
    service_project = find_or_create(ks.projects, 'service', domain=default)
    roles = [find_or_create(ks.roles, name) for name in ('admin', 'service')]
    for user_name in user_names:
        user = find_or_create(ks.users, user_name, domain=default,
                              password=credentials.get('service_password'))
        for role in roles:
            ks.roles.grant(role, user=user, project=service_project)
    for service_type, name, url in catalog:
        service = (ks.services.list(type=service_type)
                   or [ks.services.create(name=name, type=service_type)])[0]
        existing = {e.interface for e in ks.endpoints.list(service=service)}
        for interface in ('public', 'internal', 'admin'):
            if interface not in existing:
                ks.endpoints.create(service=service, url=url,
                                    interface=interface,
                                    region=layout.REGION)


def write_clouds_yaml():
    """clouds.yaml at the repo root: `openstack --os-cloud devcloud`."""
    entries = []
    for cloud, user in (('devcloud', layout.DEMO),
                        ('devcloud-admin', layout.ADMIN)):
        entries.append(
            '  %s:\n'
            '    auth:\n'
            '      auth_url: %s/v3\n'
            '      username: %s\n'
            '      password: %s\n'
            '      project_name: %s\n'
            '      user_domain_name: Default\n'
            '      project_domain_name: Default\n'
            '    region_name: %s\n'
            '    identity_api_version: 3\n'
            % (cloud, layout.KEYSTONE_URL, user['username'],
               user['password'], user['project'], layout.REGION))
    layout.write(os.path.join(layout.REPO, 'clouds.yaml'),
                 'clouds:\n' + ''.join(entries))
