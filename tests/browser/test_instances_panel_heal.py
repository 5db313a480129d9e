"""An operator's path on real servers: delete a unit's server from
Horizon's own Instances panel, then watch the unit heal on the Self-Healing
cluster page (its live Units tab) with a new server."""

import time

from devcloud import layout
from tests.browser.conftest import log_in
from tests.browser.conftest import screenshot
from tests.integration.conftest import unit_servers


def delete_from_instances_panel(page, server_id):
    page.goto(layout.DASHBOARD_URL + 'project/instances/')
    row = '#instances__row__%s' % server_id
    page.click('%s .dropdown-toggle' % row)
    page.click('#instances__row_%s__action_delete' % server_id)
    page.click('.modal-footer .btn-danger')
    page.wait_for_selector('.alert:has-text("Scheduled deletion")')


def test_a_server_deleted_in_instances_heals_on_the_cluster_page(
        page, real_cluster):
    request, cluster = real_cluster
    old_server = unit_servers(request, cluster.id)['0']
    log_in(page, layout.DEMO)

    delete_from_instances_panel(page, old_server)
    screenshot(page, 'instances-deleted')

    page.goto('%sproject/heal_clusters/%s/?tab=cluster_details__units'
              % (layout.DASHBOARD_URL, cluster.id))
    unit = page.locator('#units__row__0')
    deadline = time.monotonic() + 90
    # The tab refreshes itself while a unit heals, and settles on the new
    # server, healthy. (Opened before the alarm fired, it may have settled
    # on the old state: then load it again.)
    while time.monotonic() < deadline:
        text = unit.inner_text()
        if old_server not in text and 'Healthy' in text \
                and 'ACTIVE' in text:
            break
        if page.locator('[data-heal-settled="true"]').count():
            page.reload()
        time.sleep(1)
    else:
        raise AssertionError('unit 0 did not heal: %s' % text)
    new_server = unit_servers(request, cluster.id)['0']
    assert new_server != old_server and new_server in text
    screenshot(page, 'unit-healed')
