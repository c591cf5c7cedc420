"""The one refusal type: raised by actions and access helpers, shown to people as it is."""


class ActionRefused(Exception):
    """The action would break a rule; the message says which, in words for the person."""
