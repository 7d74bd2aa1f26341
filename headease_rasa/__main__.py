"""`python -m headease_rasa <rasa arguments>`: Rasa's own command line, with HeadEase's patches.

The run scripts (`make run`, the test stack, the cluster, the benchmark, the Docker image) start
the Rasa server this way instead of `rasa run`: the patches are applied, and the active ones
logged, before Rasa loads the model; on any other Rasa version it refuses to start with one
clear line (exit status 2).
"""
from __future__ import annotations

import sys

from headease_rasa import patches


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        names = patches.install()
    except patches.UnsupportedRasa as error:
        sys.stderr.write(f"error: {error}\n")
        raise SystemExit(2)
    sys.stderr.write(f"HeadEase: Rasa patches active: {', '.join(names)}\n")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
