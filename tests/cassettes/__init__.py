"""vcrpy cassettes of the LLM extractor, written by make_cassettes.py (not recorded)."""
