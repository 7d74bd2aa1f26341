"""headease_rasa.method_patch: replace methods once, call Rasa's, put them back."""
from headease_rasa.method_patch import MethodPatch


class Base:
    def inherited(self):
        return "base"


class Target(Base):
    def own(self):
        return "own"


def new_own(self):
    return "new " + PATCH.original("Target.own")(self)


def new_inherited(self):
    return "new " + PATCH.original("Target.inherited")(self)


PATCH = MethodPatch(__name__, {"Target.own": new_own, "Target.inherited": new_inherited})


def test_install_calls_through_and_uninstall_restores_own_and_inherited_methods():
    assert not PATCH.installed() and PATCH.original("Target.own") is Target.own
    PATCH.install()
    PATCH.install()  # idempotent: the originals stay Rasa's
    try:
        assert PATCH.installed()
        assert (Target().own(), Target().inherited(), Base().inherited()) == ("new own", "new base", "base")
    finally:
        PATCH.uninstall()
    assert not PATCH.installed()
    assert (Target().own(), Target().inherited()) == ("own", "base")
    assert "inherited" not in Target.__dict__ and Target.__dict__["own"] is not new_own
    PATCH.uninstall()  # nothing to do
