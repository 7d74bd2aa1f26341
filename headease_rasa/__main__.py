"""`python -m headease_rasa <rasa arguments>`: Rasa's own command line, with HeadEase's patches.

The run scripts (`make run`, the test stack, the cluster, the benchmark, the Docker image) start
the Rasa server this way instead of `rasa run`: the patches are applied, and the active ones
logged, before Rasa loads the model; on any other Rasa version it refuses to start with one
clear line (exit status 2).
"""
from __future__ import annotations

import os
import sys

from headease_rasa import patches, without_tensorflow


def _serve_without_tensorflow(argv) -> bool:
    """`run` of a model that lists no TensorFlow component: answer TensorFlow's imports with
    stand-ins (headease_rasa/without_tensorflow.py). HEADEASE_TENSORFLOW=1 loads the real one."""
    if not argv or argv[0] != "run" or os.environ.get("HEADEASE_TENSORFLOW") == "1":
        return False
    model = without_tensorflow.model_path_from_arguments(argv[1:])
    if model is None or without_tensorflow.model_needs_tensorflow(model):
        return False
    if not without_tensorflow.install():
        return False
    without_tensorflow.lock_once_model_loaded()
    return True


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        patches.check_version()  # imports only the `rasa` package itself, never TensorFlow
    except patches.UnsupportedRasa as error:
        sys.stderr.write(f"error: {error}\n")
        raise SystemExit(2)
    if _serve_without_tensorflow(argv):  # before anything imports Rasa's core
        sys.stderr.write("HeadEase: serving without TensorFlow (the model needs none)\n")
    names = patches.install()
    sys.stderr.write(f"HeadEase: Rasa patches active: {', '.join(names)}\n")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
