"""The one installer of HeadEase's Rasa patches: version check, every patch applied, the launcher."""
import subprocess
import sys

import pytest

from headease_rasa import action_failures, patches


def test_every_patch_is_applied_and_reported():
    names = patches.install()
    assert names == list(patches.PATCHES)
    assert patches.install() == names  # idempotent


def test_another_rasa_version_is_refused_with_one_clear_line():
    with pytest.raises(patches.UnsupportedRasa) as refused:
        patches.check_version("3.7.0")
    assert "3.6.21" in str(refused.value) and "3.7.0" in str(refused.value)
    patches.check_version("3.6.21")


def test_the_pinned_rasa_is_the_supported_one():
    assert patches.rasa_version() == patches.SUPPORTED_RASA


def test_a_failed_call_to_the_action_server_is_noted_by_name_and_reraised():
    import asyncio

    from rasa.core.actions.action import RemoteAction
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    action_failures.install()
    action = RemoteAction("action_give_assessment", EndpointConfig("http://127.0.0.1:9/webhook"))

    async def call():
        with action_failures.recording() as failures:
            with pytest.raises(Exception):
                await action.run(None, TemplatedNaturalLanguageGenerator({}), DialogueStateTracker("t", []), Domain.empty())
        return failures

    assert asyncio.run(call()) == ["action_give_assessment"]


def test_the_launcher_refuses_an_unknown_version(tmp_path):
    # A stand-in `rasa` package with another version on the path, before the real one.
    fake = tmp_path / "rasa"
    fake.mkdir()
    (fake / "__init__.py").write_text("__version__ = '9.9.9'\n")
    env_path = f"{tmp_path}:{':'.join(sys.path)}"
    done = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                           "from headease_rasa.__main__ import main; main(['run'])", str(tmp_path)],
                          capture_output=True, text=True, env={"PYTHONPATH": env_path})
    assert done.returncode == 2
    assert "needs Rasa 3.6.21 (found 9.9.9)" in done.stderr
