"""Django settings for the unit tests: Horizon's test settings with
heal-dashboard enabled and its policy files wired as the settings snippet
wires them in a real Horizon."""

import os

from openstack_dashboard import enabled as os_enabled
from openstack_dashboard.test.settings import *  # noqa: F403
from openstack_dashboard.utils import settings as settings_utils

import heal_dashboard
from heal_dashboard import enabled as heal_enabled

# Horizon's test settings ran its own enabled files already; run them again
# with ours so the panel group falls in place among Horizon's, then drop the
# apps that were added twice.
INSTALLED_APPS = list(INSTALLED_APPS)  # noqa: F405
settings_utils.update_dashboards(
    [os_enabled, heal_enabled], HORIZON_CONFIG, INSTALLED_APPS)  # noqa: F405
INSTALLED_APPS = list(dict.fromkeys(INSTALLED_APPS))

# Policy as shipped: the snippet's files, checked by openstack_auth.
_SNIPPET = os.path.join(os.path.dirname(heal_dashboard.__file__),
                        'local_settings.d', '_1900_heal_dashboard.py')
with open(_SNIPPET, encoding='utf-8') as _f:
    exec(_f.read())  # noqa: S102 - as Horizon's settings module does
