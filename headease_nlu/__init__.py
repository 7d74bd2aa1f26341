"""HeadEase NLU pipeline machinery: the spaCy model builder, custom Rasa components, evaluation."""
