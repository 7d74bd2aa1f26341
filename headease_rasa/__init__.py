"""HeadEase's explicit changes to Rasa 3.6.21's internals (see patches.py) and the launcher
(`python -m headease_rasa run ...`) that applies them before Rasa starts."""
