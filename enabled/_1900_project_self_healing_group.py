# The "Self-Healing" panel group in the Project dashboard.
from django.utils.translation import gettext_lazy as _

from heal_dashboard import exceptions

PANEL_GROUP = 'self_healing'
PANEL_GROUP_NAME = _('Self-Healing')
PANEL_GROUP_DASHBOARD = 'project'

ADD_INSTALLED_APPS = ['heal_dashboard']

ADD_EXCEPTIONS = {
    'not_found': exceptions.NOT_FOUND,
    'recoverable': exceptions.RECOVERABLE,
    'unauthorized': exceptions.UNAUTHORIZED,
}

ADD_SCSS_FILES = ['heal_dashboard/heal.scss']
ADD_JS_FILES = ['heal_dashboard/heal.js']
