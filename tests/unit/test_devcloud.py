"""The local cloud's own code: configuration rendering and process
handling (the services themselves run in the integration tier)."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import yaml

from devcloud import bootstrap
from devcloud import compute
from devcloud import layout
from devcloud import process
from devcloud import schema_checks
from devcloud import services


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    """A state directory of the test's own: rendering a configuration
    makes the install's credentials there."""
    for name, sub in (('STATE', ''), ('LOG_DIR', 'log'), ('RUN_DIR', 'run'),
                      ('HOME', 'home')):
        monkeypatch.setattr(layout, name, str(tmp_path / sub))
    (tmp_path / 'home').mkdir()
    return tmp_path


def gunicorn_seconds(setting):
    """One of gunicorn's settings in seconds, e.g. the timeout after which
    it restarts a silent worker (read, not imported: the module reads the
    service's environment)."""
    with open(os.path.join(layout.REPO, 'devcloud', 'gunicorn_conf.py')) as f:
        [seconds] = re.findall(r'^%s = (\d+)$' % setting, f.read(),
                               re.MULTILINE)
    return int(seconds)


@pytest.mark.parametrize('project', ['heat', 'mistral', 'zaqar', 'aodh'])
def test_service_configs_render_with_the_options_that_mattered(project):
    text = layout.render(project + '.conf.in',
                         layout.template_values(project))
    assert '[keystone_authtoken]' in text
    assert 'username = %s' % project in text
    if project == 'heat':
        # An engine's answer to a nested create waits on its validation;
        # gunicorn restarts a heat-api worker waiting past 180 s.
        assert 'rpc_response_timeout = 170' in text
        assert 170 < gunicorn_seconds('timeout')
    expected = {
        'heat': 'deferred_auth_method = trusts',
        'mistral': 'auth_enable = true',
        'zaqar': 'message_pipeline = zaqar.notification.notifier',
        'aodh': 'event_alarm_cache_ttl = 0',
    }[project]
    assert expected in text
    # One token cache for every service, on the cloud's own socket.
    assert ('memcached_servers = unix:%s' % layout.MEMCACHED_SOCKET
            in text)


def test_compute_configs_render_with_the_options_that_mattered():
    configs = {os.path.basename(path): text
               for path, text in compute.rendered_configs().items()}
    nova = configs['nova.conf']
    for option in ('compute_driver = fake.FakeDriverWithoutFakeNodes',
                   'sync_power_state_interval = -1',
                   'notification_format = unversioned',
                   'notify_on_state_change = vm_and_task_state',
                   'driver = messagingv2',
                   'send_service_user_token = true',
                   # The demo project holds 100 real units.
                   'instances = 200'):
        assert option in nova
    # Nova, Placement (and the rest of the tier) on psycopg2.
    for name in ('nova.conf', 'placement.conf', 'glance-api.conf',
                 'neutron.conf'):
        assert 'postgresql+psycopg2://' in configs[name], name
    for name in ('nova.conf', 'placement.conf', 'glance-api.conf',
                 'neutron.conf', 'gnocchi.conf', 'octavia.conf'):
        assert ('memcached_servers = unix:%s' % layout.MEMCACHED_SOCKET
                in configs[name]), name
    assert 'mechanism_drivers = devcloud_bind' in configs['neutron.conf']
    # Nova counts a project's ports at every create unless unlimited.
    assert '[quotas]\nquota_port = -1' in configs['neutron.conf']
    assert 'pipelines = event' in configs['ceilometer.conf']
    gnocchi = configs['gnocchi.conf']
    for option in ('auth_mode = keystone', 'driver = file',
                   'metric_processing_delay = 5',
                   'url = postgresql+psycopg2://gnocchi:'):
        assert option in gnocchi
    # metricd's group members are what its readiness check reads.
    assert 'coordination_url = redis://' in gnocchi
    octavia = configs['octavia.conf']
    for option in ('amphora_driver = amphora_noop_driver',
                   'compute_driver = compute_noop_driver',
                   'network_driver = network_noop_driver',
                   'cert_manager = local_cert_manager',
                   'connection = postgresql+psycopg2://octavia:'):
        assert option in octavia
    # Not Octavia's documented default key.
    assert 'insecure-key-do-not-use-this-key' not in octavia
    pipeline = yaml.safe_load(configs['event_pipeline.yaml'])
    assert pipeline['sinks'][0]['publishers'] == [
        'notifier://?topic=alarm.all']
    assert all('${' not in text for text in configs.values())


def test_the_compute_tier_runs_only_where_installed(monkeypatch):
    monkeypatch.setattr(services, 'has_compute', lambda: False)
    assert 'nova-api' not in {s.name for s in services.all_services()}
    monkeypatch.setattr(services, 'has_compute', lambda: True)
    names = [s.name for s in services.all_services()]
    # nova-compute after the tier it registers with, Horizon last.
    assert names.index('nova-compute') > names.index('placement-api')
    assert names[-1] == 'horizon'


def test_keystone_and_horizon_configs_render():
    values = layout.template_values()
    keystone = layout.render('keystone.conf.in', values)
    assert 'password_hash_rounds = 4' in keystone
    settings = layout.render('local_settings.py.in', values)
    compile(settings, 'local_settings.py', 'exec')
    assert '_1900_heal_dashboard.py' in settings
    assert 'HEAL_DASHBOARD_PARAMETER_DEFAULTS' in settings


def test_aodh_paste_filters_are_told_where_aodh_conf_is(state):
    bootstrap.write_aodh_paste()
    with open(layout.path('etc', 'aodh-api-paste.ini'),
              encoding='utf-8') as f:
        paste = f.read()
    assert 'oslo_config_file = %s' % layout.config_file('aodh') in paste


def sleeper(name, port=None, ignore_term=False):
    code = ('import signal, time\n'
            + ('signal.signal(signal.SIGTERM, signal.SIG_IGN)\n'
               if ignore_term else '')
            + 'time.sleep(60)\n')
    return process.Service(name, [sys.executable, '-c', code], port=port)


def test_a_taken_port_is_a_clear_error(state):
    with socket.socket() as taken:
        taken.bind((layout.HOST, 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(process.DevcloudError,
                           match='port %d.*taken' % port):
            process.start(sleeper('web', port=port))


def test_start_is_idempotent_and_stop_escalates(state, monkeypatch):
    monkeypatch.setattr(process, 'GRACE_SECONDS', 0.5)
    stubborn = sleeper('stubborn', ignore_term=True)
    polite = sleeper('polite')
    try:
        assert process.start(stubborn)
        assert process.start(polite)
        assert not process.start(stubborn)  # already running
        time.sleep(0.3)  # let the stubborn one install its handler
        pgid = stubborn.running_pid()
    finally:
        stopped = process.stop([stubborn, polite])
    assert stopped == ['polite', 'stubborn']
    assert not process.group_alive(pgid)
    assert stubborn.running_pid() is None


def test_a_killed_service_not_yet_reaped_reads_as_stopped():
    # Its parent here is this test, which has not waited for it: a
    # zombie, as a service killed under init is until init reaps it.
    child = subprocess.Popen(['sleep', '60'], start_new_session=True)
    try:
        assert process.group_alive(child.pid)
        os.killpg(child.pid, signal.SIGKILL)
        time.sleep(0.3)
        assert not process.group_alive(child.pid)
    finally:
        child.wait()


def test_idle_connections_outlive_the_clients_polls():
    """A client polling as often as the server drops idle connections may
    send its next call on one the server is closing (`openstack stack
    delete --wait`: "Connection reset by peer")."""
    import inspect

    from heatclient.common import event_utils
    poll = inspect.signature(event_utils.poll_for_events).parameters[
        'poll_period'].default
    assert poll < gunicorn_seconds('keepalive')


def test_every_service_has_a_distinct_port(monkeypatch):
    monkeypatch.setattr(services, 'has_compute', lambda: True)
    ports = [s.port for s in services.all_services() if s.port]
    assert len(ports) == len(set(ports))
    assert 8000 not in ports  # Heat's CFN API's by convention


def test_each_install_makes_secrets_of_its_own(state, tmp_path_factory,
                                               monkeypatch):
    from devcloud import credentials
    first = credentials.load()
    assert oct(os.stat(credentials.path()).st_mode & 0o777) == '0o600'
    assert credentials.load() == first  # made once, then kept
    other = tmp_path_factory.mktemp('other-install')
    monkeypatch.setattr(layout, 'STATE', str(other))
    second = credentials.load()
    for key in credentials.KEYS:
        assert first[key] != second[key], key
    assert len(second['heat_auth_encryption_key']) == 32  # AES-256


def test_configs_hold_the_installs_secrets_readable_by_root_alone(state):
    from devcloud import credentials
    bootstrap.write_configs()
    made = credentials.load()
    heat = open(layout.config_file('heat'), encoding='utf-8').read()
    assert 'auth_encryption_key = %s' % made[
        'heat_auth_encryption_key'] in heat
    assert 'heat:%s@' % made['databases']['heat'] in heat
    assert made['signed_url_key'] in open(layout.config_file('zaqar'),
                                          encoding='utf-8').read()
    for folder, _dirs, names in os.walk(layout.STATE):
        for name in names:
            mode = os.stat(os.path.join(folder, name)).st_mode & 0o777
            assert mode == 0o600, (name, oct(mode))
    # No key shared between installs is left in any template.
    for name in os.listdir(layout.CONFIG_TEMPLATES):
        text = open(os.path.join(layout.CONFIG_TEMPLATES, name),
                    encoding='utf-8').read()
        for shared in ('devcloud-service', 'devcloud-signed-url-key',
                       'guest:guest', 'postgres@'):
            assert shared not in text, (name, shared)


def test_a_service_added_later_gets_secrets_of_its_own(state):
    from devcloud import credentials
    made = credentials.load()
    # As an install from before Gnocchi and Octavia.
    del made['databases']['gnocchi'], made['databases']['octavia']
    del made['octavia_certs_key']
    with open(credentials.path(), 'w', encoding='utf-8') as f:
        json.dump(made, f)
    loaded = credentials.load()
    password = loaded['databases']['gnocchi']
    assert len(password) == 32 and password not in made.values()
    assert len(loaded['octavia_certs_key']) == 32  # as Octavia requires
    assert loaded['octavia_certs_key'] not in made.values()
    again = credentials.load()  # kept
    assert (again['databases']['gnocchi'], again['octavia_certs_key']) == (
        password, loaded['octavia_certs_key'])
    assert oct(os.stat(credentials.path()).st_mode & 0o777) == '0o600'


def test_octavias_ca_is_the_installs_own_and_its_key_locked(state):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from devcloud import credentials
    compute.make_octavia_ca()
    key_path = layout.path('octavia', 'ca', 'ca.key')
    assert oct(os.stat(key_path).st_mode & 0o777) == '0o600'
    pem = open(key_path, 'rb').read()
    with pytest.raises(TypeError):  # encrypted: no key without the phrase
        serialization.load_pem_private_key(pem, None)
    key = serialization.load_pem_private_key(
        pem, credentials.get('octavia_ca_passphrase').encode())
    ca = x509.load_pem_x509_certificate(
        open(layout.path('octavia', 'ca', 'ca.pem'), 'rb').read())
    assert ca.public_key() == key.public_key()
    assert ca.extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca


def test_load_grows_each_counter_at_the_percentage_of_its_vcpus():
    from devcloud import load
    assert load.next_cpu(None, 100.0, 90, 1) == (100.0, 0)
    # 90 % of 2 vCPUs for 60 s: 108 s of CPU time, in ns.
    assert load.next_cpu((100.0, 5), 160.0, 90, 2) == (
        160.0, 5 + 108 * 10 ** 9)
    # A clock that went back adds nothing: the counter never goes down.
    assert load.next_cpu((100.0, 5), 90.0, 90, 1) == (90.0, 5)


def test_load_keeps_the_resource_the_scaling_alarms_query():
    from devcloud import load

    class Server:
        id, tenant_id, user_id, name = 's1', 'demo-id', 'u1', 'web-0'
        flavor = {'original_name': 'heal.tiny', 'vcpus': 1}
        image = {'id': 'img'}
    resource = load.instance_resource(Server(), 'stack-id')
    assert resource['server_group'] == 'stack-id'
    assert resource['project_id'] == 'demo-id'
    assert resource['metrics'] == {'cpu': {
        'archive_policy_name': compute.ARCHIVE_POLICY['name']}}


def test_a_state_made_before_the_credentials_must_be_wiped(state):
    from devcloud import credentials
    (state / 'initialised').write_text('ok\n')
    with pytest.raises(credentials.StaleState, match='rm -rf'):
        credentials.load()


def test_readiness_asks_every_api_the_cloud_runs(monkeypatch):
    from devcloud import readiness
    monkeypatch.setattr(services, 'has_compute', lambda: True)
    checked = {owner for _name, owners, _check in readiness.checks(True)
               for owner in owners}
    served = {s.name for s in services.all_services() if s.port}
    infrastructure = {s.name for s in services.infrastructure()}
    assert served - infrastructure <= checked
    assert 'nova-compute' in checked


def test_the_token_cache_is_ready_when_it_answers_its_protocol(
        tmp_path, monkeypatch):
    """A socket that accepts is not enough: keystonemiddleware would
    quietly ask Keystone for every token if memcached did not answer."""
    import threading
    from devcloud import readiness
    socket_path = str(tmp_path / 'mc.sock')
    monkeypatch.setattr(layout, 'MEMCACHED_SOCKET', socket_path)
    with pytest.raises(OSError):
        readiness._memcached(None)

    def serve(answer):
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(socket_path)
        server.listen(1)

        def reply():
            connection, _ = server.accept()
            with connection:
                if connection.recv(64) == b'version\r\n':
                    connection.sendall(answer)
        thread = threading.Thread(target=reply)
        thread.start()
        return server, thread

    for answer, problem in ((b'VERSION 1.6.18\r\n', None),
                            (b'ERROR\r\n', "answered b'ERROR\\r\\n'")):
        server, thread = serve(answer)
        try:
            assert readiness._memcached(None) == problem
        finally:
            thread.join(5)
            server.close()
            os.remove(socket_path)


def test_a_service_on_a_unix_socket_is_ready_once_it_listens(tmp_path):
    socket_path = str(tmp_path / 'service.sock')
    service = process.Service('cache', ['true'], unix_socket=socket_path)
    assert not process.listening(service)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(socket_path)
        server.listen(1)
        assert process.listening(service)


def test_set_up_steps_run_together_and_the_first_failure_is_raised():
    """A first start's schemas are made at once: two steps that each wait
    for the other finish only if they run at the same time."""
    import threading
    both = threading.Barrier(2, timeout=5)
    ended = []

    def step(name):
        both.wait()
        ended.append(name)

    process.together(lambda: step('nova'), lambda: step('glance'))
    assert sorted(ended) == ['glance', 'nova']

    def failing():
        raise process.DevcloudError('glance-manage failed')
    with pytest.raises(process.DevcloudError, match='glance-manage'):
        process.together(lambda: ended.append('heat'), failing)
    # The others were not abandoned.
    assert 'heat' in ended
    process.together()  # nothing to do


def test_a_schema_is_checked_once_and_every_instance_as_before(monkeypatch):
    import jsonschema
    schema = {'type': 'object', 'additionalProperties': False,
              'properties': {'on-success': {'type': 'array'}}}
    checks = []
    check = jsonschema.Draft202012Validator.check_schema
    monkeypatch.setattr(jsonschema.Draft202012Validator, 'check_schema',
                        classmethod(lambda cls, s: checks.append(s) or
                                    check.__func__(cls, s)))
    schema_checks._checked_validator.cache_clear()
    for _ in range(3):
        schema_checks.validate({'on-success': []}, dict(schema))
    assert len(checks) == 1
    with pytest.raises(jsonschema.ValidationError) as ours:
        schema_checks.validate({'on-succes': []}, schema)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate({'on-succes': []}, schema)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(jsonschema.SchemaError):
        schema_checks.validate({}, {'type': 'no such type'})


def test_the_engine_starts_a_task_without_sending_the_workflows_spec():
    import inspect
    from unittest import mock

    from mistral.engine import engine_server
    from mistral.rpc import clients

    from devcloud import mistral_engine
    sent = []
    engine = clients.EngineClient.__new__(clients.EngineClient)
    engine._client = mock.Mock(async_call=lambda ctx, method, **kwargs:
                               sent.append((method, kwargs)))
    start_task = mistral_engine.start_task_without_spec(
        clients.EngineClient.start_task)
    task = dict(task_ex_id='task-1', first_run=True, waiting=False,
                triggered_by=None, rerun=False, reset=False)
    # As Mistral's dispatcher calls it.
    with mock.patch('mistral.context.ctx'):
        start_task(engine, wf_spec=object(), **task)
    assert sent == [('start_task', dict(task, params={}))]
    # All the engine's receiver needs.
    inspect.signature(engine_server.EngineServer.start_task).bind(
        None, None, **sent[0][1])


def test_heats_engine_starts_a_traversals_leaves_a_tenth_of_a_second_apart(
        monkeypatch):
    import importlib.util
    import re

    from devcloud import heat_engine
    # Heat's module sleeps twice: 0 s (a yield while validating) and 1 s
    # after each leaf it starts; it reads nothing else of `time`. (Read,
    # not imported: Heat's options clash with Mistral's in one process.)
    with open(importlib.util.find_spec('heat.engine.stack').origin,
              encoding='utf-8') as source:
        assert sorted(re.findall(r'\btime\.\w+\(?\d*\)?',
                                 source.read())) == [
            'time.sleep(0)', 'time.sleep(1)']
    slept = []
    monkeypatch.setattr(time, 'sleep', slept.append)
    pacing = heat_engine.LeafPacing(heat_engine.LEAF_INTERVAL)
    pacing.sleep(1)
    pacing.sleep(0)
    assert slept == [0.1, 0]
    assert pacing.monotonic is time.monotonic


def test_heats_engine_freezes_what_it_loaded_once_started():
    import gc

    from devcloud import heat_engine
    thresholds = gc.get_threshold()
    started = []
    start = heat_engine.freeze_after(lambda service: started.append(
        gc.get_freeze_count()))
    try:
        start('engine')
        assert started == [0]
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == heat_engine.GC_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_heats_and_mistrals_engines_run_through_devclouds_modules():
    argv = {s.name: s.argv for s in services.all_services()}
    for name, module, project in (
            ('heat-engine', 'devcloud.heat_engine', 'heat'),
            ('mistral-engine', 'devcloud.mistral_engine', 'mistral')):
        assert argv[name][1:] == ['-m', module, '--config-file',
                                  layout.config_file(project)]


def test_a_quiet_heat_engine_checks_an_action_sooner_at_first():
    import importlib.util

    from devcloud import heat_engine
    # Heat's TaskRunner runs an action in __call__ and waits a second
    # between its steps (1, its default) through _sleep; 0 and None stay.
    with open(importlib.util.find_spec('heat.engine.scheduler').origin,
              encoding='utf-8') as source:
        scheduler = source.read()
    assert 'def __call__(self, wait_time=1,' in scheduler
    assert 'self._sleep(wait_time if (started or wait_time is None)' in (
        scheduler)

    actions = heat_engine.Actions()
    slept = []

    class Runner:
        def __call__(self, steps):
            for wait_time in steps:
                self._sleep(wait_time)

        def _sleep(self, wait_time):
            slept.append((wait_time, actions.running))

    Runner.__call__ = actions.counted(Runner.__call__)
    Runner._sleep = actions.nap_less_at_first(Runner._sleep)
    Runner()((0, 1, 1, 1, None, 1, 1, 1))
    assert slept == [(0, 1), (0.1, 1), (0.2, 1), (0.3, 1), (None, 1),
                     (0.4, 1), (1, 1), (1, 1)]
    assert actions.running == 0
    # An engine running more than QUIET actions checks each second.
    slept.clear()
    actions.running = heat_engine.QUIET
    Runner()((1, 1))
    assert slept == [(1, heat_engine.QUIET + 1)] * 2
    assert actions.running == heat_engine.QUIET


def test_heats_engine_is_paced_only_once_heats_configuration_is_read():
    # Importing heat.engine configures Heat's caches from its configuration
    # as it then stands: imported before it is read, the validation cache
    # was off. The engine's modules are patched at its launch, after.
    script = (
        'import sys\n'
        'from devcloud import heat_engine\n'
        'from heat.cmd import engine\n'
        'from oslo_service import service\n'
        'def main():\n'
        '    print("before", "heat.engine.constraints" in sys.modules)\n'
        '    service.launch()\n'
        'service.launch = lambda: print(\n'
        '    "at launch", heat_engine.LeafPacing.__name__ in repr(\n'
        '        sys.modules["heat.engine.stack"].time))\n'
        'engine.main = main\n'
        'heat_engine.main()\n')
    run = subprocess.run([sys.executable, '-c', script], capture_output=True,
                         text=True, cwd=layout.REPO, timeout=120)
    assert run.stdout.split('\n')[:2] == ['before False', 'at launch True'], (
        run.stdout + run.stderr)


def test_nova_computes_tracker_reads_allocations_only_when_it_may_use_them():
    from devcloud import nova_compute
    asked = []
    pci_in_placement = []

    class Client:
        def get_allocations_for_provider_tree(self, context, nodename):
            asked.append(nodename)
            return {'instance-1': {'allocations': {}}}

    class Tracker:
        client = Client()

        def _update_to_placement(self, context, compute_node, startup):
            # As Nova's: the read first, whatever the update then does.
            return self.client.get_allocations_for_provider_tree(
                context, compute_node)

    reads = nova_compute.AllocationReads(lambda: bool(pci_in_placement))
    Client.get_allocations_for_provider_tree = reads.reading_when_used(
        Client.get_allocations_for_provider_tree)
    Tracker._update_to_placement = reads.updating(
        Tracker._update_to_placement)
    tracker = Tracker()
    # A claim, a delete, a periodic update: no read.
    assert tracker._update_to_placement('ctx', 'node-1', False) is None
    assert asked == []
    # At start-up (a reshape may need them), or with PCI devices tracked
    # in Placement: read.
    assert tracker._update_to_placement('ctx', 'node-1', True) == {
        'instance-1': {'allocations': {}}}
    pci_in_placement.append(True)
    assert tracker._update_to_placement('ctx', 'node-1', False) is not None
    assert asked == ['node-1', 'node-1']
    # Outside an update (no other caller in Nova), as Nova reads.
    pci_in_placement.clear()
    assert Client().get_allocations_for_provider_tree('ctx', 'n') is not None


def test_nova_compute_runs_through_devclouds_module():
    compute = services.nova_compute()
    assert compute.argv[1:] == ['-m', 'devcloud.nova_compute', '--config-file',
                                layout.config_file('nova')]
    assert compute.argv[0].startswith(layout.COMPUTE_VENV)
