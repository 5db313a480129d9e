from django.apps import AppConfig
from django.conf import settings

from heal_dashboard import policy_files


class HealDashboardConfig(AppConfig):
    name = 'heal_dashboard'
    verbose_name = 'Self-Healing'

    def ready(self):
        # Without its policy files Horizon allows every action of a scope
        # (it leaves the decision to the service): the plugin's rules apply
        # whether or not the settings snippet was installed.
        policy_files.ensure(settings)
