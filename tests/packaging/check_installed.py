"""Run by the wheel test with the fresh virtualenv's Python, outside the
checkout: does a stock Horizon find the installed plugin's panel, templates,
static files and policy files?"""

import json
import os
import sys

import django
from django.conf import settings

os.environ['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.test.settings'


def main():
    from openstack_dashboard import enabled as os_enabled
    from openstack_dashboard.utils import settings as settings_utils

    import heal_dashboard
    from heal_dashboard import enabled as heal_enabled

    # As an operator's settings do: the plugin's enabled files beside
    # Horizon's.
    horizon_config = settings.HORIZON_CONFIG
    apps = list(settings.INSTALLED_APPS)
    settings_utils.update_dashboards([os_enabled, heal_enabled],
                                     horizon_config, apps)
    settings.INSTALLED_APPS = list(dict.fromkeys(apps))
    django.setup()

    import horizon
    from django.contrib.staticfiles import finders
    from django.template import loader
    from django.urls import reverse

    url = reverse('horizon:project:heal_clusters:index')
    panel = horizon.get_dashboard('project').get_panel('heal_clusters')
    group = horizon.get_dashboard('project').get_panel_group('self_healing')
    package_dir = os.path.dirname(heal_dashboard.__file__)
    print(json.dumps({
        'package_dir': package_dir,
        'url': url,
        'panel': str(panel.name),
        'group': str(group.name),
        'scss': finders.find('heal_dashboard/heal.scss'),
        'template': loader.get_template(
            'project/heal_clusters/index.html').origin.name,
        'policy': os.path.exists(os.path.join(
            package_dir, 'conf', 'default_policies', 'heal.yaml')),
        'snippet': os.path.exists(os.path.join(
            package_dir, 'local_settings.d', '_1900_heal_dashboard.py')),
        'manifest': os.path.exists(os.path.join(
            package_dir, 'cluster_templates', 'manifest.yaml')),
    }))


if __name__ == '__main__':
    sys.exit(main())
