"""Typed errors that carry a message a non-specialist can act on.

Every error the user can cause is a `WizardError`. Pages show `str(error)` inline and the CLI prints it as its
one-line reason; anything else is a bug and goes to the crash report.
"""

from __future__ import annotations


class WizardError(Exception):
    """Base class: `str(err)` is a complete, plain-language message."""


class InvalidInput(WizardError):
    """A value the user typed is not acceptable; `field` names the input it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ProfileError(WizardError):
    """The DIP profile file is broken: names the file, the key and the problem."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(where + problem)
        self.file = file
        self.key = key
        self.problem = problem


class ProjectError(WizardError):
    """Base for problems with an onboarding project folder."""


class ProjectNotFound(ProjectError):
    """The folder holds no project file."""


class ProjectExists(ProjectError):
    """A project already exists where a new one was asked for."""


class ProjectDamaged(ProjectError):
    """The project file cannot be read; it is left exactly as it was."""


class ProjectChanged(ProjectError):
    """The project file was changed by someone else since it was read; nothing was saved."""


class ProjectTooNew(ProjectError):
    """The project file was written by a newer version of the wizard."""


class UnknownId(WizardError):
    """An id (role, step, certificate kind, person, ...) that the profile or project does not know."""
