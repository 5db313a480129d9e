"""The health model, over plain data as the clients return it."""

from heal_dashboard import health


def stack(stack_id, name, parent=None, status='CREATE_COMPLETE', tags=None):
    return {'id': stack_id, 'stack_name': name, 'parent': parent,
            'stack_status': status, 'stack_status_reason': '',
            'creation_time': '2026-11-25T10:00:00Z', 'tags': tags}


def template_of(cluster):
    return 'fixed'


def test_units_are_the_stacks_of_the_units_group():
    cluster = stack('c', 'web')
    stacks = [
        cluster,
        stack('g', 'web-units-aaaa', parent='c'),
        stack('w', 'web-healing-bbbb', parent='c'),
        stack('u1', 'web-units-aaaa-0-x', parent='g'),
        stack('u2', 'web-units-aaaa-1-y', parent='g'),
        # A resource nested in a unit (a stand-in server) is no unit.
        stack('s1', 'web-units-aaaa-0-x-server-z', parent='u1'),
        # Another cluster whose name starts alike.
        stack('c2', 'web-units'),
        stack('g2', 'web-units-units-cccc', parent='c2'),
        stack('v1', 'web-units-units-cccc-0-q', parent='g2'),
    ]
    assert [u['id'] for u in health.unit_stacks(cluster, stacks)] == [
        'u1', 'u2']


def test_summaries_count_live_units_only():
    cluster = stack('c', 'web', status='UPDATE_IN_PROGRESS')
    stacks = [
        cluster,
        stack('g', 'web-units-aaaa', parent='c'),
        stack('u1', 'web-units-aaaa-0-x', parent='g'),
        stack('u2', 'web-units-aaaa-1-y', parent='g',
              status='DELETE_IN_PROGRESS'),
    ]
    [summary] = health.summarize_clusters([cluster], stacks, template_of)
    assert summary.units == 1
    assert summary.status == 'UPDATE_IN_PROGRESS'
    assert summary.template_id == 'fixed'
    assert summary.name == 'web'


def test_a_cluster_without_its_group_yet_has_no_units():
    cluster = stack('c', 'web', status='CREATE_IN_PROGRESS')
    [summary] = health.summarize_clusters([cluster], [cluster], template_of)
    assert summary.units == 0
