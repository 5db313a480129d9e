# heal-dashboard: `make run` brings up the local cloud with the dashboard,
# `make test` runs every test tier. Both install what they need first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The compute tier's services, in a venv of their own (see devcloud/compute.py).
COMPUTE_VENV := .venv-compute
COMPUTE_STAMP := $(COMPUTE_VENV)/.installed
# Every distribution each venv holds, at the versions of a verified run:
# a fresh clone installs exactly these (make constraints remakes them).
CONSTRAINTS := devcloud/constraints.txt
COMPUTE_CONSTRAINTS := devcloud/compute-constraints.txt
DEVCLOUD := $(PY) -m devcloud
# The servers the local cloud runs, and the browser the browser tier drives.
DEBIAN_PACKAGES := postgresql rabbitmq-server redis-server memcached \
	chromium chromium-driver fonts-dejavu-core

.PHONY: help cloud run start stop status fail load test unit packaging lint cloud-tests bench messages \
	debian-packages clean constraints soak faults

help:
	@echo "make run     - local OpenStack + Horizon with heal-dashboard (Ctrl-C stops)"
	@echo "make test    - every test tier: unit, packaging, lint, integration, browser"
	@echo "make start / stop / status - the local cloud in the background"
	@echo "make fail CLUSTER=name UNIT=0 [EVENT=delete|stopped|error]"
	@echo "make load CLUSTER=name CPU=90 [SECONDS=300] - CPU measures in Gnocchi"
	@echo "make bench  - page and heal costs at 3, 10, 50 stand-in units, 3 real servers and 200, 500 fakes (BENCH_SIZES=3,100, BENCH_REAL_SIZES=3,10 for others)"
	@echo "make soak N=10 - stop/start cycles, each checked and healing a server"
	@echo "make faults [SERVICES=heat-api ...] - every page with each API service frozen, then killed"

debian-packages:
	@dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); }

$(STAMP): setup.cfg setup.py devcloud/requirements.txt $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]' \
	  -r devcloud/requirements.txt
	touch $@

$(COMPUTE_STAMP): devcloud/compute-requirements.txt devcloud/ml2_bind/* \
		$(COMPUTE_CONSTRAINTS)
	$(PYTHON) -m venv $(COMPUTE_VENV)
	$(COMPUTE_VENV)/bin/pip install --quiet -c $(COMPUTE_CONSTRAINTS) --upgrade pip
	$(COMPUTE_VENV)/bin/pip install --quiet -c $(COMPUTE_CONSTRAINTS) \
	  -r devcloud/compute-requirements.txt
	touch $@

# Remake both constraints files from the newest releases the requirements
# allow, in scratch venvs; then run make test before committing them.
constraints:
	rm -rf .venv-pin .venv-pin-compute
	$(PYTHON) -m venv .venv-pin
	.venv-pin/bin/pip install --quiet --upgrade pip
	.venv-pin/bin/pip install --quiet -e '.[test]' -r devcloud/requirements.txt
	{ echo '# Made by make constraints from a verified run: every distribution .venv holds.'; \
	  .venv-pin/bin/pip freeze --all --exclude-editable | grep -v '^heal-dashboard'; \
	} > $(CONSTRAINTS)
	$(PYTHON) -m venv .venv-pin-compute
	.venv-pin-compute/bin/pip install --quiet --upgrade pip
	.venv-pin-compute/bin/pip install --quiet -r devcloud/compute-requirements.txt
	{ echo '# Made by make constraints from a verified run: every distribution .venv-compute holds.'; \
	  .venv-pin-compute/bin/pip freeze --all --exclude-editable | grep -v '^devcloud-ml2-bind'; \
	} > $(COMPUTE_CONSTRAINTS)
	rm -rf .venv-pin .venv-pin-compute

# Everything the local cloud runs: both venvs and the Debian servers.
cloud: $(STAMP) $(COMPUTE_STAMP) debian-packages

run: cloud
	$(DEVCLOUD) run

start: cloud
	$(DEVCLOUD) start

stop:
	$(DEVCLOUD) stop

status:
	$(DEVCLOUD) status

EVENT ?= delete
fail: $(STAMP)
	$(DEVCLOUD) fail $(CLUSTER) $(UNIT) --event $(EVENT)

# CPU load on a cluster's servers, as a polling agent would store it in
# Gnocchi (the fake servers cannot be polled): drives the scaling alarms.
SECONDS ?= 300
load: $(STAMP)
	$(DEVCLOUD) load $(CLUSTER) --cpu $(CPU) --seconds $(SECONDS)

test: unit packaging lint cloud-tests

unit: $(STAMP)
	$(PY) -m pytest tests/unit

packaging: $(STAMP)
	$(PY) -m pytest tests/packaging

lint: $(STAMP)
	$(PY) -m ruff check .

# Against the real local cloud: started for the run unless already up.
cloud-tests: cloud
	$(DEVCLOUD) with -- $(PY) -m pytest --durations=25 tests/integration tests/browser

# The message catalog's template, as Horizon plugins keep theirs.
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel-django.cfg --no-location \
	  -k gettext_lazy -k gettext_noop -k N_ -k pgettext_lazy:1c,2 \
	  -k ngettext_lazy:1,2 -k npgettext_lazy:1c,2,3 \
	  --project heal-dashboard --version 0.1.0 \
	  -o heal_dashboard/locale/django.pot heal_dashboard enabled

clean:
	rm -rf $(VENV) $(COMPUTE_VENV) build dist *.egg-info

# N stop / start cycles of the local cloud, each checked and healing a real
# server; the cycles in WIPE_AT start from a wiped state (first starts).
N ?= 10
WIPE_AT ?= 1,6
soak: cloud
	$(PY) -m devcloud.soak $(N) --wipe-at $(WIPE_AT)

# Every page with each API service frozen, then killed, in turn.
faults: cloud
	$(DEVCLOUD) with -- $(PY) -m bench.faults $(SERVICES)

# Speed figures on the local cloud (started for the run unless already up).
bench: cloud
	$(DEVCLOUD) with -- $(PY) -m bench.cluster_page
