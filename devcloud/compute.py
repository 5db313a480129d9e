"""The local cloud's compute tier: Nova (fake virt driver), Placement,
Glance, Neutron's API, Ceilometer's event pipeline, Gnocchi and Octavia
(noop drivers), from a venv
of their own (.venv-compute: ceilometer pins an older python-dateutil than the
control plane's). With it the bundled templates run real servers, and a
failure is a real server deleted, stopped or put in error: Nova's
notification, Ceilometer's event on alarm.all, Aodh's alarm.

Gnocchi holds the metrics the autoscaling template's alarms query. Nothing
here can poll the fake servers (Ceilometer's only inspector is libvirt):
`make load` (load.py) stores their CPU measures as a polling agent would.

Octavia's load balancers, listeners, pools and members are real API
objects that reach provisioning ACTIVE; the noop amphora, compute and
network drivers of Octavia's own API test jobs stand in for the amphora VMs
and their ports, so nothing carries traffic and operating status stays as
those drivers leave it.

Without that venv the local cloud is the control plane alone, and the
Launch form uses the stand-ins.
"""

import functools
import io
import os
import shutil
import time

from devcloud import bootstrap
from devcloud import credentials
from devcloud import layout
from devcloud import process
from devcloud import services

# Nova and Placement fail on psycopg 3 ('IPv4Address' is not iterable;
# 'Cursor' has no 'lastrowid'): the compute tier's database URLs name
# psycopg2 (layout.template_values).
DATABASES = ('nova_api', 'nova_cell0', 'nova', 'placement', 'glance',
             'neutron')
SERVICE_USERS = ('nova', 'placement', 'glance', 'neutron', 'ceilometer')
CATALOG = (
    ('compute', 'nova', 'http://%s:8774/v2.1' % layout.HOST),
    ('placement', 'placement', 'http://%s:8778' % layout.HOST),
    ('image', 'glance', 'http://%s:9292' % layout.HOST),
    ('network', 'neutron', 'http://%s:9696' % layout.HOST),
)
INITIALISED = layout.path('compute-initialised')
# Gnocchi joined the tier later: an install made before gets it on its
# next start.
METRIC_CATALOG = (('metric', 'gnocchi', 'http://%s:8041' % layout.HOST),)
METRIC_INITIALISED = layout.path('metric-initialised')
# The archive policy of the CPU measures `make load` stores: 60 s points
# for a day, with the rate the scaling alarms aggregate. (Ceilometer's own
# on a real cloud, ceilometer-low-rate, keeps 5-minute points.)
# Octavia joined later still, the same way.
LOAD_BALANCER_CATALOG = (
    ('load-balancer', 'octavia', 'http://%s:9876' % layout.HOST),)
LOAD_BALANCER_INITIALISED = layout.path('load-balancer-initialised')
ARCHIVE_POLICY = {
    'name': 'heal-60s',
    'aggregation_methods': ['mean', 'rate:mean'],
    'definition': [{'granularity': '0:01:00', 'timespan': '1 day'}],
}

# What the demo project launches with (made on the first start).
FLAVOR = {'name': 'heal.tiny', 'ram': 128, 'vcpus': 1, 'disk': 1}
IMAGE = 'heal-fake-image'
KEY_PAIR = 'demo-key'
NETWORK = 'demo-net'
SUBNET = {'name': 'demo-subnet', 'cidr': '10.20.0.0/24'}


CONFIGS = (('nova', 'nova.conf'), ('placement', 'placement.conf'),
           ('glance', 'glance-api.conf'), ('neutron', 'neutron.conf'),
           ('ceilometer', 'ceilometer.conf'),
           ('ceilometer', 'event_pipeline.yaml'), ('gnocchi', 'gnocchi.conf'),
           ('octavia', 'octavia.conf'))
# Paste pipelines, copied from the compute venv beside each configuration.
PASTE_FILES = (('nova', 'api-paste.ini'), ('neutron', 'api-paste.ini'),
               ('glance', 'glance-api-paste.ini'))


def rendered_configs():
    """{path: text} of every compute service's configuration, rendered
    from devcloud/config."""
    configs = {}
    for project, name in CONFIGS:
        values = layout.template_values(project)
        values.update(
            home=layout.HOME,
            service_auth=layout.render('service_auth.conf.in', values))
        configs[layout.config_file(project, name)] = layout.render(
            name + '.in', values)
    return configs


def write_configs():
    for file_path, text in rendered_configs().items():
        layout.write(file_path, text)
    for project, paste in PASTE_FILES:
        shutil.copy(os.path.join(layout.COMPUTE_VENV, 'etc', project, paste),
                    layout.config_file(project, paste))


def register():
    """First start of the tier (also on a cloud initialised without it):
    its databases, service users and catalog entries."""
    bootstrap.create_databases(DATABASES)
    bootstrap.add_services(bootstrap.admin_client(), SERVICE_USERS, CATALOG)


def register_metric():
    bootstrap.create_databases(('gnocchi',))
    bootstrap.add_services(bootstrap.admin_client(), ('gnocchi',),
                           METRIC_CATALOG)


def sync_metric():
    """Gnocchi's schema, with its default archive policies."""
    process.run_once([services.compute_bin('gnocchi-upgrade'),
                      '--config-file', layout.config_file('gnocchi')])


def register_load_balancer():
    bootstrap.create_databases(('octavia',))
    bootstrap.add_services(bootstrap.admin_client(), ('octavia',),
                           LOAD_BALANCER_CATALOG)


def sync_load_balancer():
    """Octavia's schema and the install's throwaway CA."""
    make_octavia_ca()
    _schema_from_models('octavia', 'devcloud.octavia_schema',
                        'octavia-db-manage', layout.config_file('octavia'),
                        'head')


def make_octavia_ca():
    """A CA for this install alone, its key encrypted with the install's
    passphrase and readable by root alone: Octavia signs each amphora's
    certificate with it even when no amphora boots."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                         'devcloud octavia CA')])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                       critical=True)
        .sign(key, hashes.SHA256()))
    layout.write(layout.path('octavia', 'ca', 'ca.key'), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(
            credentials.get('octavia_ca_passphrase').encode())).decode())
    layout.write(layout.path('octavia', 'ca', 'ca.pem'), certificate
                 .public_bytes(serialization.Encoding.PEM).decode())


def populate_metric():
    """Once Gnocchi answers: Ceilometer's resource types (`instance`, with
    the `server_group` the scaling alarms query by) and the local cloud's
    archive policy."""
    _manage('ceilometer-upgrade', layout.config_file('ceilometer'),
            '--retry', '5')
    from gnocchiclient import client as gnocchi_client
    from gnocchiclient import exceptions as gnocchi_exceptions
    gnocchi = gnocchi_client.Client(
        '1', session=layout.session_for(layout.ADMIN),
        adapter_options={'region_name': layout.REGION})
    try:
        gnocchi.archive_policy.create(ARCHIVE_POLICY)
    except gnocchi_exceptions.ArchivePolicyAlreadyExists:
        pass


def _manage(tool, config_file, *args):
    process.run_once([services.compute_bin(tool), '--config-file',
                      config_file] + list(args))


def sync_databases():
    """Every compute database's schema, and Nova's cells: Nova's steps in
    order, the other services' at the same time."""
    nova_conf = layout.config_file('nova')

    def nova():
        _manage('nova-manage', nova_conf, 'api_db', 'sync')
        # Cell0's database is named from [database] connection (nova ->
        # nova_cell0): no password on a command line.
        _manage('nova-manage', nova_conf, 'cell_v2', 'map_cell0')
        _manage('nova-manage', nova_conf, 'cell_v2', 'create_cell',
                '--name', 'cell1')
        _manage('nova-manage', nova_conf, 'db', 'sync')
    process.together(
        nova,
        functools.partial(_manage, 'placement-manage',
                          layout.config_file('placement'), 'db', 'sync'),
        functools.partial(_manage, 'glance-manage', layout.config_file(
            'glance', 'glance-api.conf'), 'db_sync'),
        functools.partial(_schema_from_models, 'neutron',
                          'devcloud.neutron_schema', 'neutron-db-manage',
                          layout.config_file('neutron'), 'heads'))


def _schema_from_models(database, module, manage_tool, config_file,
                        revision):
    """A schema made from the project's models by `module` (its
    PostgreSQL migrations hold MySQL-only SQL: Neutron's, Octavia's), then
    its migrations marked done. The database's URL goes in the environment:
    it holds a password."""
    process.run_once([services.compute_bin('python'), '-m', module],
                     env={'PYTHONPATH': layout.REPO,
                          'DEVCLOUD_SCHEMA_DB': credentials.database_url(
                              database, 'postgresql+psycopg2')})
    _manage(manage_tool, config_file, 'stamp', revision)


def _query(database, sql):
    import psycopg
    with psycopg.connect(credentials.superuser_url(database)) as conn:
        return conn.execute(sql).fetchall()


def map_compute_host(timeout=90):
    """Wait until nova-compute has registered its node, and map it into
    the cell (nova-manage discover_hosts) the first time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _query('nova_api', 'SELECT host FROM host_mappings'):
            return
        if _query('nova', 'SELECT host FROM compute_nodes '
                          'WHERE deleted = 0'):
            _manage('nova-manage', layout.config_file('nova'), 'cell_v2',
                    'discover_hosts')
            continue
        if not services.nova_compute().running_pid():
            break
        time.sleep(0.5)
    log = services.nova_compute().log_file()
    raise process.DevcloudError(
        'nova-compute did not register its host; the end of %s:\n%s'
        % (log, process.tail(log)))


def populate_demo():
    """First start: a flavor and an image for everyone, and the demo
    project's key pair, network and subnet, so the Launch form has real
    choices."""
    from glanceclient import client as glance_client
    from neutronclient.v2_0 import client as neutron_client
    from novaclient import client as nova_client
    admin = layout.session_for(layout.ADMIN)
    demo = layout.session_for(layout.DEMO)
    nova = nova_client.Client('2.1', session=admin)
    if not [f for f in nova.flavors.list() if f.name == FLAVOR['name']]:
        nova.flavors.create(FLAVOR['name'], FLAVOR['ram'], FLAVOR['vcpus'],
                            FLAVOR['disk'])
    glance = glance_client.Client('2', session=admin)
    if not list(glance.images.list(filters={'name': IMAGE})):
        image = glance.images.create(
            name=IMAGE, disk_format='raw', container_format='bare',
            visibility='public')
        # The fake driver boots nothing: a few bytes make it "active".
        glance.images.upload(image.id, io.BytesIO(b'\0' * 1024))
    demo_nova = nova_client.Client('2.1', session=demo)
    if not [k for k in demo_nova.keypairs.list() if k.name == KEY_PAIR]:
        demo_nova.keypairs.create(KEY_PAIR, public_key=_public_key())
    neutron = neutron_client.Client(session=demo)
    networks = neutron.list_networks(name=NETWORK)['networks']
    network = (networks[0] if networks else neutron.create_network(
        {'network': {'name': NETWORK}})['network'])
    if not neutron.list_subnets(name=SUBNET['name'])['subnets']:
        neutron.create_subnet({'subnet': {
            'name': SUBNET['name'], 'network_id': network['id'],
            'cidr': SUBNET['cidr'], 'ip_version': 4}})


def _public_key():
    """An OpenSSH public key whose private half is thrown away: the fake
    servers accept no logins anyway."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()


def data_dirs():
    for folder in ('nova/instances', 'nova/locks', 'glance/images',
                   'glance/staging', 'glance/tasks', 'neutron/locks',
                   'gnocchi', 'octavia/certs', 'octavia/locks'):
        os.makedirs(layout.path(*folder.split('/')), exist_ok=True)

