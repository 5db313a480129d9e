"""Horizon for the local cloud: the dashboard's WSGI app with its collected,
compressed static files served beside it (DEBUG is off)."""

import os

from django.conf import settings
from openstack_dashboard.wsgi import application as dashboard
from whitenoise import WhiteNoise

served = WhiteNoise(dashboard, root=settings.STATIC_ROOT,
                    prefix=settings.STATIC_URL)


def application(environ, start_response):
    """Says which gunicorn worker answered (X-Devcloud-Worker: its pid), so
    the tests can show two requests reached two workers."""
    def with_worker(status, headers, exc_info=None):
        return start_response(
            status, headers + [('X-Devcloud-Worker', str(os.getpid()))],
            exc_info)
    return served(environ, with_worker)
