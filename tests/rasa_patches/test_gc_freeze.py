"""headease_rasa.gc_freeze: Agent.load_model does what Rasa's does, then freezes what is loaded."""
import gc

from rasa.core.agent import Agent

from headease_rasa import gc_freeze


def test_load_model_returns_what_rasas_returns_and_freezes_what_exists(monkeypatch):
    calls = []

    def rasa_load_model(self, model_path, fingerprint=None):
        calls.append((self, model_path, fingerprint))
        self.loaded = [object() for _ in range(10)]
        return "result"

    was_installed = gc_freeze.installed()
    gc_freeze.uninstall()
    monkeypatch.setattr(Agent, "load_model", rasa_load_model)
    gc_freeze.install()
    gc_freeze.install()  # idempotent
    try:
        agent = Agent.__new__(Agent)
        gc.unfreeze()
        assert agent.load_model("models/x.tar.gz", fingerprint="f") == "result"
        assert calls == [(agent, "models/x.tar.gz", "f")]
        assert gc.get_freeze_count() > 0
        assert Agent.load_model.__wrapped__ is rasa_load_model
    finally:
        gc.unfreeze()
        gc_freeze.uninstall()
        assert Agent.load_model is rasa_load_model
    monkeypatch.undo()
    if was_installed:
        gc_freeze.install()
