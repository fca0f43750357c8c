"""The portal's management commands: one language rule, and one line when the database is away.

Operators read the commands as they read Django's: help and output in English, the output
in Vietnamese with `--language vi`. A database that cannot be reached is one line and exit
status 3, which a monitor tells from check_values' 1 for values found outside their period.
"""

import os
import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

from core.commands import DATABASE_UNREACHABLE, PortalCommand

from .services import ROOT, free_port

PROJECT_APPS = {"core", "provinces", "partnerships", "milestones", "progress", "notifications"}
PROJECT_APPS |= {"dashboards", "demo"}
COMMANDS = sorted(name for name, app in get_commands().items() if app in PROJECT_APPS)
# What each needs on its command line to get as far as the database.
ARGUMENTS = {
    "import_values": ["values.csv", "--user", "admin"],
    "generate_scale_data": ["--yes"],
}


def command(name) -> PortalCommand:
    return load_command_class(get_commands()[name], name)


def test_it_finds_every_command_of_the_project():
    assert set(COMMANDS) >= {
        "check_values",
        "generate_scale_data",
        "import_values",
        "load_provinces",
        "load_reference_data",
        "recompute_progress",
        "seed_demo",
        "send_notifications",
    }


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_shares_the_portals_rules(name):
    assert isinstance(command(name), PortalCommand)


@pytest.mark.parametrize("name", COMMANDS)
def test_the_help_is_in_english_whatever_language_is_active(name):
    def help_in(language):
        with translation.override(language):
            return command(name).create_parser("manage.py", name).format_help()

    assert help_in("vi") == help_in("en")
    assert "--language {vi,en}" in help_in("vi")


def unreachable(*args: str) -> subprocess.CompletedProcess:
    """manage.py against a PostgreSQL address nothing listens on."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.pop("CELERY_BROKER_URL", None)
    env.update(
        DATABASE_URL=f"postgres://portal:secret@127.0.0.1:{free_port()}/portal",
        DEBUG="0",
        SECRET_KEY="commands-test-secret",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", COMMANDS)
def test_a_database_that_cannot_be_reached_is_one_line_and_exit_3(name):
    result = unreachable(name, *ARGUMENTS.get(name, []), "--verbosity=0")
    assert result.returncode == DATABASE_UNREACHABLE == 3
    (line,) = result.stderr.splitlines()
    assert line.startswith("CommandError: The database cannot be reached: connection")
    assert "Connection refused" in line
    assert "Traceback" not in result.stderr


def test_check_values_tells_a_monitor_the_database_is_down_in_vietnamese_too():
    result = unreachable("check_values", "--quiet", "--language", "vi")
    assert result.returncode == 3, "not 1, which means values outside their period"
    assert result.stderr.startswith("CommandError: Không kết nối được với cơ sở dữ liệu: ")
    assert result.stdout == ""
