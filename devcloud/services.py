"""The local cloud's services, in start order."""

import glob
import os

from devcloud import layout
from devcloud.process import Service

# Debian's PostgreSQL server binaries, of whichever major version it ships.
PG_BIN = max(glob.glob('/usr/lib/postgresql/*/bin')
             or ['/usr/lib/postgresql/15/bin'],
             key=lambda path: int(path.split('/')[-2]))
RABBIT_BIN = '/usr/lib/rabbitmq/bin'


def venv_bin(name):
    return os.path.join(layout.VENV, 'bin', name)


def wsgi(name, app, port, workers=1, threads=4, env=None, venv=layout.VENV):
    """A WSGI service under gunicorn's threaded workers, from the venv
    holding the service."""
    service_env = {
        'DEVCLOUD_BIND': '%s:%d' % (layout.HOST, port),
        'DEVCLOUD_APP': app,
        'DEVCLOUD_WORKERS': str(workers),
        'DEVCLOUD_THREADS': str(threads),
    }
    service_env.update(env or {})
    return Service(name, [os.path.join(venv, 'bin', 'gunicorn'), '-c',
                          os.path.join(os.path.dirname(__file__),
                                       'gunicorn_conf.py')],
                   port=port, env=service_env)


def oslo_command(name, script, project, *extra):
    return Service(name, [venv_bin(script), '--config-file',
                          layout.config_file(project)] + list(extra))


def our_module(name, module, project, venv=layout.VENV):
    """A service's command run through one of devcloud's modules, by the
    venv holding the service."""
    return Service(name, [os.path.join(venv, 'bin', 'python'), '-m', module,
                          '--config-file', layout.config_file(project)],
                   env={'PYTHONPATH': layout.REPO})


def infrastructure():
    return [
        Service('postgresql', [
            os.path.join(PG_BIN, 'postgres'), '-D', layout.path('postgres'),
            '-h', layout.HOST, '-p', '5432', '-k', layout.path('postgres'),
            # A dev cloud's data may be lost on a crash; speed matters more.
            '-c', 'fsync=off', '-c', 'synchronous_commit=off',
            '-c', 'full_page_writes=off', '-c', 'max_connections=400',
            # Each service's connection pool touches the shared buffers:
            # a small cache keeps them from counting against memory.
            '-c', 'shared_buffers=32MB'],
            port=5432, user='postgres'),
        Service('rabbitmq', [os.path.join(RABBIT_BIN, 'rabbitmq-server')],
                port=5672, user='rabbitmq', env=rabbitmq_env()),
        Service('redis', [
            # Zaqar's messages and subscriptions live here: an append-only
            # file keeps them across a restart (without it every unit lost
            # its subscription, silently unprotected).
            # Its password in a file of root's (a command line is public).
            '/usr/bin/redis-server', layout.path('redis', 'redis.conf'),
            '--bind', layout.HOST, '--port', '6379',
            '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec',
            '--dir', layout.path('redis')], port=6379),
        # The token cache every service's keystonemiddleware shares, on a
        # socket of mode 0700 owned by its user (see layout.MEMCACHED_SOCKET).
        Service('memcached', [
            '/usr/bin/memcached', '--unix-socket', layout.MEMCACHED_SOCKET,
            '--unix-mask', '0700', '--memory-limit', '64'],
            unix_socket=layout.MEMCACHED_SOCKET, user='memcache'),
    ]


def rabbitmq_env():
    base = layout.path('rabbitmq')
    return {
        'HOME': base,  # its Erlang cookie
        'RABBITMQ_NODENAME': 'devcloud@localhost',
        'RABBITMQ_NODE_IP_ADDRESS': layout.HOST,
        'ERL_EPMD_ADDRESS': layout.HOST,
        'RABBITMQ_CONFIG_FILE': os.path.join(base, 'rabbitmq.conf'),
        'RABBITMQ_MNESIA_BASE': os.path.join(base, 'mnesia'),
        'RABBITMQ_LOG_BASE': os.path.join(base, 'log'),
        'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(base,
                                                      'enabled_plugins'),
        'RABBITMQ_PID_FILE': os.path.join(base, 'rabbitmq.pid'),
    }


def keystone():
    # One thread a worker: with several, concurrent requests mixed up their
    # token scopes (Aodh's trust creation was refused as domain-scoped while
    # Heat's stack-domain admin was busy).
    return wsgi('keystone', 'keystone.wsgi.api:application', 5000,
                workers=4, threads=1,
                env={'OS_KEYSTONE_CONFIG_FILES':
                     layout.config_file('keystone')})


def openstack():
    return [
        wsgi('heat-api', 'heat.wsgi.api:application', 8004, threads=8),
        # Paced and collected for this machine (see heat_engine.py).
        our_module('heat-engine', 'devcloud.heat_engine', 'heat'),
        # No process of Mistral's forks after setting itself up (see
        # mistral_engine.py): its API under gunicorn, its engine alone.
        wsgi('mistral-api', 'devcloud.mistral_wsgi:application', 8989,
             threads=8, env={'MISTRAL_CONFIG_FILE':
                             layout.config_file('mistral'),
                             'PYTHONPATH': layout.REPO}),
        our_module('mistral-engine', 'devcloud.mistral_engine', 'mistral'),
        wsgi('zaqar', 'zaqar.transport.wsgi.app:application', 8888,
             workers=2, threads=8),
        wsgi('aodh-api', 'aodh.wsgi.api:application', 8042),
        oslo_command('aodh-evaluator', 'aodh-evaluator', 'aodh'),
        oslo_command('aodh-listener', 'aodh-listener', 'aodh'),
        oslo_command('aodh-notifier', 'aodh-notifier', 'aodh'),
    ]


def horizon():
    return wsgi('horizon', 'devcloud.horizon_wsgi:application', 8080,
                workers=2, threads=4, env=horizon_env())


def horizon_env():
    return {
        'DJANGO_SETTINGS_MODULE': 'openstack_dashboard.settings',
        'PYTHONPATH': os.pathsep.join([layout.path('horizon'),
                                       layout.REPO]),
    }


def compute_bin(name):
    return os.path.join(layout.COMPUTE_VENV, 'bin', name)


def has_compute():
    """The compute tier is installed (make does, in .venv-compute)."""
    return os.path.exists(compute_bin('nova-compute'))


def compute_command(name, project):
    return Service(name, [compute_bin(name), '--config-file',
                          layout.config_file(project)])


def compute_wsgi(name, app, port, env):
    return wsgi(name, app, port, workers=1, threads=8, env=env,
                venv=layout.COMPUTE_VENV)


def compute_tier():
    """Nova, Placement, Glance, Neutron's API, Ceilometer's event agent
    and Gnocchi (see compute.py), nova-compute apart: it starts once
    Placement answers."""
    return [
        compute_wsgi('neutron-api', 'devcloud.neutron_wsgi:application',
                     9696, {'OS_NEUTRON_CONFIG_DIR':
                            layout.config_dir('neutron'),
                            'OS_NEUTRON_CONFIG_FILES': 'neutron.conf',
                            'PYTHONPATH': layout.REPO}),
        compute_wsgi('placement-api', 'placement.wsgi.api:application', 8778,
                     {'OS_PLACEMENT_CONFIG_DIR':
                      layout.config_dir('placement')}),
        compute_wsgi('glance-api', 'glance.wsgi.api:application', 9292,
                     {'OS_GLANCE_CONFIG_DIR': layout.config_dir('glance')}),
        compute_wsgi('nova-api', 'nova.wsgi.osapi_compute:application', 8774,
                     {'OS_NOVA_CONFIG_DIR': layout.config_dir('nova')}),
        compute_command('nova-conductor', 'nova'),
        compute_command('nova-scheduler', 'nova'),
        compute_command('ceilometer-agent-notification', 'ceilometer'),
        # Gnocchi: the autoscaling alarms' metrics (see compute.py).
        compute_wsgi('gnocchi-api', 'gnocchi.wsgi.api:application', 8041,
                     {}),
        compute_command('gnocchi-metricd', 'gnocchi'),
        # Octavia with noop drivers (see compute.py). No health manager:
        # noop amphorae send it no heartbeat, so it would only hold memory
        # (180 MiB).
        compute_wsgi('octavia-api', 'octavia.wsgi.api:application', 9876,
                     {}),
        compute_command('octavia-worker', 'octavia'),
    ]


def nova_compute():
    """nova-compute through nova_compute.py: its resource tracker reads
    every instance's allocations only when it may use them."""
    return our_module('nova-compute', 'devcloud.nova_compute', 'nova',
                      venv=layout.COMPUTE_VENV)


def all_services():
    tiers = infrastructure() + [keystone()] + openstack()
    if has_compute():
        tiers += compute_tier() + [nova_compute()]
    return tiers + [horizon()]
