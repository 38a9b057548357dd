"""Run newsdesk/settings.py under another environment, in this process, and return its names:
what a deployment with that environment would get, without starting one."""

import runpy

import newsdesk.settings


def settings_under(monkeypatch, var_dir, **env: str) -> dict:
    """The settings module's names with `env` set (and unset where a value is empty)."""
    monkeypatch.setenv("NEWSDESK_VAR", str(var_dir))
    for name, value in env.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    return runpy.run_path(newsdesk.settings.__file__)
