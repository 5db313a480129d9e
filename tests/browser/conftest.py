"""The browser tier: Debian's Chromium, driven by Playwright, against the
dashboard the local cloud serves (python -m devcloud start)."""

import os
import re
import time

import pytest
from playwright.sync_api import sync_playwright

from devcloud import inject
from devcloud import layout
from devcloud import process

ARTIFACTS = os.path.join(layout.REPO, 'test-artifacts')
CLUSTERS_URL = layout.DASHBOARD_URL + 'project/heal_clusters/'
CHROMIUM = '/usr/bin/chromium'
# What Chromium needs headless, as root, on a machine without a network.
CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu',
                 '--disable-quic', '--no-first-run',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope='session', autouse=True)
def cloud_tier(cloud_is_up, patient_calls):
    """Every test here needs the running local cloud and its dashboard
    (tests/conftest.py holds the cloud tiers' shared fixtures)."""


@pytest.fixture(scope='session')
def browser():
    if not process.port_open(8080):
        pytest.fail('the dashboard is not running: python -m devcloud start')
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser):
    context = browser.new_context(viewport={'width': 1400, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name + '.png')
    page.screenshot(path=path, full_page=True)
    return path


def log_in(page, user):
    page.goto(layout.DASHBOARD_URL + 'auth/login/')
    page.fill('#id_username', user['username'])
    page.fill('#id_password', user['password'])
    page.click('#loginBtn')
    page.wait_for_url('**/project/**')


def wait_for_modal(page):
    """Until Horizon's loading spinner has given way to the modal."""
    page.wait_for_selector('.modal.loading', state='detached')


def launch_from_form(page, template_id, name, fields):
    """Launch Cluster, the template's card, the form filled with `fields`
    ({field id: value}) and sent: the cluster's page opens; its id."""
    page.goto(CLUSTERS_URL)
    page.click('#clusters__action_launch')
    card = '.heal-template[data-template="%s"]' % template_id
    page.wait_for_selector(card)
    wait_for_modal(page)
    screenshot(page, 'select-template')
    page.click(card + ' .heal-launch-template')

    page.wait_for_selector('#id_name')
    wait_for_modal(page)
    page.fill('#id_name', name)
    for field, value in fields.items():
        # A parameter with allowed values is a select.
        field = page.locator('#' + field)
        if field.evaluate('element => element.tagName') == 'SELECT':
            field.select_option(str(value))
        else:
            field.fill(str(value))
    screenshot(page, 'launch-form-' + template_id)
    page.click('.modal-footer input[type=submit], '
               '.modal-footer button[type=submit]')
    page.wait_for_url('**/project/heal_clusters/*/')
    return re.search(r'/heal_clusters/([^/?#]+)/', page.url).group(1)


def wait_until_created(page, timeout=90):
    """The cluster page's status once it is no longer in progress (the
    Overview is not live: reloaded every 2 s)."""
    deadline = time.monotonic() + timeout
    status = ''
    while time.monotonic() < deadline:
        status = page.inner_text('.heal-cluster-status')
        if not status.endswith('IN_PROGRESS'):
            break
        time.sleep(2)
        page.reload()
    return status


def open_units_tab(page):
    """The Units tab, loaded on demand, once its refreshes are running."""
    page.click('a[data-target="#cluster_details__units"]')
    page.wait_for_selector('.heal-units[data-heal-watched="true"]')
    return page.locator('#units tbody tr')


def delete_cluster(name):
    heat, _session = inject.heat_for(layout.DEMO)
    for stack in heat.stacks.list(filters={'name': name}):
        heat.stacks.delete(stack.id)
