"""newsreader: a terminal news reader for English and Arabic."""

__version__ = "0.1.0"
