"""Mistral's engine (with its local executor) in one process, no fork.

`mistral-server` always runs its services under oslo.service's
ProcessLauncher, which forks workers from a master that has already set
itself up: with `--server api,engine` a fresh start could hang every
authenticated request on a `tx_lock` and a database connection inherited
through the fork (1 start in 6). Here the engine runs in the process that
built it (oslo.service's ServiceLauncher), and the API runs under gunicorn
(`mistral.wsgi:application`) like the other APIs.
"""

import sys

import mistral.cmd  # noqa: F401 -- selects oslo.service's threading backend
from mistral import config
from mistral.engine import engine_server
from mistral.rpc import base as rpc
from oslo_config import cfg
from oslo_log import log as logging
from oslo_service import service


def main():
    config.parse_args(sys.argv[1:])
    logging.setup(cfg.CONF, 'Mistral')
    rpc.get_transport()
    launcher = service.launch(cfg.CONF, engine_server.get_oslo_service(),
                              workers=1)
    launcher.wait()


if __name__ == '__main__':
    sys.exit(main())
