"""The version of regnotice (its own module, so that no stage imports the package)."""

__version__ = "0.1.0"
