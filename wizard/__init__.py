"""DIP Onboarding Wizard: gets a GB market participant onto Elexon's Data Integration Platform."""

__version__ = "0.1.0"
APP_NAME = "DIP Onboarding Wizard"
