"""The PySide6 user interface: a thin layer over wizard.core. Pages read state, call core, show results."""
