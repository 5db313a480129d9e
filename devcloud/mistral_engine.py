"""Mistral's engine (with its local executor) in one process, no fork.

`mistral-server` always runs its services under oslo.service's
ProcessLauncher, which forks workers from a master that has already set
itself up: with `--server api,engine` a fresh start could hang every
authenticated request on a `tx_lock` and a database connection inherited
through the fork (1 start in 6). Here the engine runs in the process that
built it (oslo.service's ServiceLauncher), and the API runs under gunicorn
(`mistral.wsgi:application`) like the other APIs.

And the engine starts each task without sending the workflow's spec along:
Mistral's dispatcher passes it to its own RPC `start_task`, whose receiver
never reads it (`mistral/engine/default_engine.py`), and serializing it
(the spec, with each task's cache of the tasks that lead to it) took
30-40 ms of the engine's CPU at every task of the healing workflow.
"""

import sys


def start_task_without_spec(start_task):
    def start_task_lean(self, *args, **params):
        # Only the dispatcher passes it; the receiver looks the task up.
        params.pop('wf_spec', None)
        return start_task(self, *args, **params)
    return start_task_lean


def main():
    # Imported here, the threading backend first: oslo.service takes one
    # backend a process, and a test importing this module has its own.
    import mistral.cmd  # noqa: F401 -- selects oslo.service's threading backend
    from mistral import config
    from mistral.engine import engine_server
    from mistral.rpc import base as rpc
    from mistral.rpc import clients
    from oslo_config import cfg
    from oslo_log import log as logging
    from oslo_service import service

    clients.EngineClient.start_task = start_task_without_spec(
        clients.EngineClient.start_task)
    config.parse_args(sys.argv[1:])
    logging.setup(cfg.CONF, 'Mistral')
    rpc.get_transport()
    launcher = service.launch(cfg.CONF, engine_server.get_oslo_service(),
                              workers=1)
    launcher.wait()


if __name__ == '__main__':
    sys.exit(main())
