"""Build the wheel, install it into a fresh virtualenv beside a stock
Horizon, and check there, outside the checkout, that Horizon finds it."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CHECK = os.path.join(os.path.dirname(__file__), 'check_installed.py')


def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=''))


@pytest.mark.packaging
def test_installed_wheel_registers_the_panel(tmp_path):
    wheels = tmp_path / 'wheels'
    run(sys.executable, '-m', 'build', '--wheel', '--outdir', str(wheels),
        ROOT)
    [wheel] = list(wheels.glob('heal_dashboard-*.whl'))
    venv = tmp_path / 'venv'
    run(sys.executable, '-m', 'venv', str(venv))
    python = str(venv / 'bin' / 'python')
    run(python, '-m', 'pip', 'install', '--quiet', str(wheel))

    result = json.loads(run(python, CHECK, cwd=str(tmp_path)).stdout)

    site = str(venv)
    assert result['package_dir'].startswith(site)
    assert result['url'] == '/project/heal_clusters/'
    assert result['panel'] == 'Clusters'
    assert result['group'] == 'Self-Healing'
    assert result['scss'] and result['scss'].startswith(site)
    assert result['template'].startswith(site)
    assert result['policy'] and result['snippet'] and result['manifest']
