"""The browser tier: Debian's Chromium, driven by Playwright, against the
dashboard the local cloud serves (python -m devcloud start)."""

import os

import pytest
from playwright.sync_api import sync_playwright

from devcloud import layout
from devcloud import process
from tests.integration.conftest import patient_calls  # noqa: F401

ARTIFACTS = os.path.join(layout.REPO, 'test-artifacts')
CHROMIUM = '/usr/bin/chromium'
# What Chromium needs headless, as root, on a machine without a network.
CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu',
                 '--disable-quic', '--no-first-run',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope='session')
def browser():
    if not process.port_open(8080):
        pytest.fail('the dashboard is not running: python -m devcloud start')
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={'width': 1400, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(30000)
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
