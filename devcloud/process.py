"""Start, watch and stop the local cloud's processes.

Each service runs in a session (process group) of its own, with its output
in log/<name>.log and its group id in run/<name>.pid, so that stopping it
also stops whatever it forked (mistral-server's and oslo.service's workers
linger after their master otherwise).
"""

import concurrent.futures
import dataclasses
import os
import signal
import socket
import subprocess
import time

from devcloud import layout

GRACE_SECONDS = 10


class DevcloudError(Exception):
    """A problem the user can act on; printed without a traceback."""


@dataclasses.dataclass
class Service:
    name: str
    argv: list
    port: int = None  # the port it serves on; it is ready when that answers
    unix_socket: str = None  # or the Unix socket it serves on
    user: str = None  # run as this user (databases refuse root)
    env: dict = dataclasses.field(default_factory=dict)

    def pid_file(self):
        return os.path.join(layout.RUN_DIR, self.name + '.pid')

    def log_file(self):
        return os.path.join(layout.LOG_DIR, self.name + '.log')

    def running_pid(self):
        try:
            with open(self.pid_file(), encoding='utf-8') as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        return pid if group_alive(pid) else None


def group_alive(pgid):
    return bool(group_pids(pgid))


def group_pids(pgid):
    """The live processes of a process group (a service and what it
    forked). A zombie is dead, whenever its parent (often init, here)
    reaps it: a service killed a moment ago must read as stopped, so that
    a start right after starts it again."""
    pids = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry, encoding='utf-8') as f:
                    fields = f.read().rsplit(')', 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] not in 'ZX' and int(fields[2]) == pgid:
                pids.append(int(entry))
    return sorted(pids)


def memory_mib(root_pid):
    """Proportional set size (MiB) of a process and all its descendants:
    shared pages counted once across them all."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry, encoding='utf-8') as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total_kib, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open('/proc/%d/smaps_rollup' % pid, encoding='utf-8') as f:
                total_kib += sum(int(line.split()[1]) for line in f
                                 if line.startswith('Pss:'))
        except OSError:
            pass
    return total_kib / 1024


def port_open(port, host=layout.HOST):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def socket_open(socket_path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(socket_path) == 0


def listening(service):
    return ((service.port and port_open(service.port))
            or (service.unix_socket and socket_open(service.unix_socket)))


def start(service):
    """Start the service unless it runs already; True if started now."""
    if service.running_pid():
        return False
    if service.port and port_open(service.port):
        raise DevcloudError(
            'port %d, which %s serves on, is taken by another process '
            '(see: ss -ltnp "sport = :%d")'
            % (service.port, service.name, service.port))
    os.makedirs(layout.LOG_DIR, exist_ok=True)
    os.makedirs(layout.RUN_DIR, exist_ok=True)
    argv = list(service.argv)
    if service.user:
        argv = ['runuser', '-u', service.user, '--'] + argv
    # Two malloc arenas a process: glibc's default (8 per core) lets the
    # services' many threads hold hundreds of MiB they no longer use.
    env = dict(os.environ, HOME=layout.HOME, MALLOC_ARENA_MAX='2')
    env.update(service.env)
    with open(service.log_file(), 'ab') as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True, cwd=layout.STATE)
    with open(service.pid_file(), 'w', encoding='utf-8') as f:
        f.write(str(proc.pid))
    return True


def wait_ready(service, timeout=90):
    """Wait until the service answers on its port or socket; fail with its
    log."""
    if not (service.port or service.unix_socket):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if listening(service):
            return
        if not service.running_pid():
            break
        time.sleep(0.2)
    raise DevcloudError('%s did not come up on %s; the end of %s:\n%s'
                        % (service.name, service.unix_socket or
                           'port %s' % service.port, service.log_file(),
                           tail(service.log_file())))


def tail(file_path, lines=15):
    try:
        with open(file_path, encoding='utf-8', errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return '(no log)'


def stop(service_list):
    """TERM the services' process groups together, KILL what is left after
    a grace period; the names of those that were running."""
    groups = {s.name: s.running_pid() for s in service_list}
    groups = {name: pgid for name, pgid in groups.items() if pgid}
    for pgid in groups.values():
        _signal(pgid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while (_reaped() and any(group_alive(p) for p in groups.values())
           and time.monotonic() < deadline):
        time.sleep(0.1)
    for pgid in groups.values():
        if group_alive(pgid):
            _signal(pgid, signal.SIGKILL)
    time.sleep(0.1)
    _reaped()
    for service in service_list:
        try:
            os.remove(service.pid_file())
        except FileNotFoundError:
            pass
    return sorted(groups)


def _reaped():
    """Reap this process's exited children (make run's services are its
    children): a zombie still counts as a live process group."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    return True


def _signal(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def together(*steps):
    """Run set-up steps at once, each in a thread of its own (they wait on
    a subprocess or the database, not the CPU alone); once all have ended,
    the first failure is raised."""
    with concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, len(steps))) as pool:
        futures = [pool.submit(step) for step in steps]
    for future in futures:
        future.result()


def run_once(argv, user=None, env=None):
    """A set-up command; its output goes to log/setup.log."""
    os.makedirs(layout.LOG_DIR, exist_ok=True)
    if user:
        argv = ['runuser', '-u', user, '--'] + list(argv)
    full_env = dict(os.environ, HOME=layout.HOME)
    full_env.update(env or {})
    log_path = os.path.join(layout.LOG_DIR, 'setup.log')
    with open(log_path, 'ab') as log:
        log.write(('$ %s\n' % ' '.join(argv)).encode())
        log.flush()
        result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=full_env,
                                cwd=layout.STATE)
    if result.returncode:
        raise DevcloudError('%s failed (exit %d); the end of %s:\n%s'
                            % (argv[0], result.returncode, log_path,
                               tail(log_path)))
