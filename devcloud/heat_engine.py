"""Heat's engine, with two of its pacing choices made for this machine.

Heat starts a traversal's leaves (the resources that wait for nothing: a
cluster's units) one a second, to spread a big stack's work over its
engines (`heat/engine/stack.py`, "Sleep between check_resource calls"):
creating or deleting a 100-unit cluster took 100 s before its last unit
was even started, the machine half idle (`make bench`). Here the next
leaf starts LEAF_INTERVAL seconds after the one before: 100 units in 10 s
(with two engines, heat.conf.in, a 100-unit create took 72 s, its
delete 56 s).

Python's cyclic garbage collector walked the engine's whole heap at each
full collection: up to 1.1 s once it had created a 100-unit cluster, in
one list of the cluster's resources in four. What the engine has loaded
once started lives as long as it, so it is frozen (never walked again),
and the young generation is collected after GC_THRESHOLD allocations
rather than Python's 700.
"""

import gc
import sys
import time

LEAF_INTERVAL = 0.1
GC_THRESHOLD = (50000, 20, 100)


class LeafPacing:
    """`time` as `heat.engine.stack` sees it: shorter sleeps, capped."""

    def __init__(self, longest):
        self.longest = longest

    def sleep(self, seconds):
        time.sleep(min(seconds, self.longest))

    def __getattr__(self, name):
        return getattr(time, name)


def freeze_after(start):
    def start_then_freeze(self, *args, **kwargs):
        started = start(self, *args, **kwargs)
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLD)
        return started
    return start_then_freeze


def main():
    # Imported here: heat.cmd.engine selects oslo.service's backend on
    # import, and a test importing this module has its own.
    from heat.cmd import engine as heat_engine
    from heat.engine import service as engine_service
    from heat.engine import stack

    stack.time = LeafPacing(LEAF_INTERVAL)
    engine_service.EngineService.start = freeze_after(
        engine_service.EngineService.start)
    heat_engine.main()


if __name__ == '__main__':
    sys.exit(main())
