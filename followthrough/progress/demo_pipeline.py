"""Placeholder: being written."""

from followthrough.accounts.models import Workspace


def seed(workspace: Workspace) -> None:
    """Adds this part of the demo to Brightline (called once, after the coaching loop)."""
