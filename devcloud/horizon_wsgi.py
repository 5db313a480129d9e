"""Horizon for the local cloud: the dashboard's WSGI app with its collected,
compressed static files served beside it (DEBUG is off)."""

from django.conf import settings
from openstack_dashboard.wsgi import application as dashboard
from whitenoise import WhiteNoise

application = WhiteNoise(dashboard, root=settings.STATIC_ROOT,
                         prefix=settings.STATIC_URL)
