"""Heat's engine, with its pacing and its garbage collection made for
this machine.

Heat starts a traversal's leaves (the resources that wait for nothing: a
cluster's units) one a second, to spread a big stack's work over its
engines (`heat/engine/stack.py`, "Sleep between check_resource calls"):
creating or deleting a 100-unit cluster took 100 s before its last unit
was even started, the machine half idle (`make bench`). Here the next
leaf starts LEAF_INTERVAL seconds after the one before: 100 units in 10 s
(with two engines, heat.conf.in, a 100-unit create took 72-89 s, its
delete 56-73 s).

Heat checks whether a resource's action is done (a nested stack created,
a server ACTIVE) a second after it began, and each second after that: a
stand-in server, done in ~0.3 s, was seen done a second later, and so was
the old one deleted, twice in every heal. Here, in an engine running few
actions (a heal), the first checks come after FIRST_NAPS, then each second
as before; a busy engine (a 100-unit create: hundreds of actions) checks
each second (with the naps always on, its create took 144 s, not 72-83,
and its delete 78 s, not 56-72). A/B, 6 heals each way on one 6-unit
stand-in cluster: update asked to new server complete median 2.0 -> 1.0 s,
failure to unit settled 7.1 -> 4.6 s.

Python's cyclic garbage collector walked the engine's whole heap at each
full collection: up to 1.1 s once it had created a 100-unit cluster, in
one list of the cluster's resources in four. What the engine has loaded
once started lives as long as it, so it is frozen (never walked again),
and the young generation is collected after GC_THRESHOLD allocations
rather than Python's 700.
"""

import gc
import sys
import threading
import time

LEAF_INTERVAL = 0.1
# A resource's action (a create, a delete) is checked again after these
# naps, then each second as Heat does; in an engine running more than
# QUIET actions, each second from the start.
FIRST_NAPS = (0.1, 0.2, 0.3, 0.4)
QUIET = 10
GC_THRESHOLD = (50000, 20, 100)


class LeafPacing:
    """`time` as `heat.engine.stack` sees it: shorter sleeps, capped."""

    def __init__(self, longest):
        self.longest = longest

    def sleep(self, seconds):
        time.sleep(min(seconds, self.longest))

    def __getattr__(self, name):
        return getattr(time, name)


class Actions:
    """The resource actions an engine is running (TaskRunner calls)."""

    def __init__(self):
        self.running = 0
        self.lock = threading.Lock()

    def counted(self, call):
        def call_counted(runner, *args, **kwargs):
            with self.lock:
                self.running += 1
            try:
                return call(runner, *args, **kwargs)
            finally:
                with self.lock:
                    self.running -= 1
        return call_counted

    def nap_less_at_first(self, sleep):
        """TaskRunner._sleep: its waits of a second shorter at first,
        in a quiet engine."""
        def nap(runner, wait_time):
            if wait_time == 1:
                naps = runner.__dict__.get('devcloud_naps', 0)
                runner.devcloud_naps = naps + 1
                if naps < len(FIRST_NAPS) and self.running <= QUIET:
                    wait_time = FIRST_NAPS[naps]
            return sleep(runner, wait_time)
        return nap


def freeze_after(start):
    def start_then_freeze(self, *args, **kwargs):
        started = start(self, *args, **kwargs)
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLD)
        return started
    return start_then_freeze


def pace():
    """Heat's engine modules, patched (imported once Heat's configuration
    is read: importing heat.engine configures Heat's caches from it)."""
    from heat.engine import scheduler
    from heat.engine import service as engine_service
    from heat.engine import stack

    stack.time = LeafPacing(LEAF_INTERVAL)
    actions = Actions()
    runner = scheduler.TaskRunner
    runner.__call__ = actions.counted(runner.__call__)
    runner._sleep = actions.nap_less_at_first(runner._sleep)
    engine_service.EngineService.start = freeze_after(
        engine_service.EngineService.start)


def main():
    # Imported here: heat.cmd.engine selects oslo.service's backend on
    # import, and a test importing this module has its own.
    from heat.cmd import engine as heat_engine

    # Heat's launch_engine reads the configuration, imports the engine,
    # then launches it: paced between the two.
    launch = heat_engine.service.launch

    def launch_paced(*args, **kwargs):
        pace()
        return launch(*args, **kwargs)
    heat_engine.service.launch = launch_paced
    heat_engine.main()


if __name__ == '__main__':
    sys.exit(main())
