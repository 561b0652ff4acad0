"""companion: a voice-guided grounding companion."""

__version__ = "0.1.0"
