"""gunicorn settings for the local cloud's WSGI services, from the
environment the service definitions set (DEVCLOUD_*)."""

import os
import sys

bind = os.environ['DEVCLOUD_BIND']
wsgi_app = os.environ['DEVCLOUD_APP']
workers = int(os.environ.get('DEVCLOUD_WORKERS', '1'))
threads = int(os.environ.get('DEVCLOUD_THREADS', '4'))
worker_class = 'gthread'
timeout = 180
graceful_timeout = 5
accesslog = None
# Kept-alive connections stay with their worker a little longer (the
# two-worker test holds one to each worker).
keepalive = 5
# No limit on the request line (gunicorn's default is 4094 bytes): Nova
# lists a project's servers' ports from Neutron by device id in one GET,
# ~47 bytes a server, so 100 servers broke the Units tab's server list
# (Neutron's 414, Nova's 500). Every service here listens on 127.0.0.1.
limit_request_line = 0

# keystone, heat-api and aodh-api parse sys.argv when their app is built:
# they must not see gunicorn's own arguments.
sys.argv[1:] = []
