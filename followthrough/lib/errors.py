"""The one refusal type: raised by actions and access helpers, shown to people as it is."""

from django.core.exceptions import ObjectDoesNotExist


class ActionRefused(Exception):
    """The action would break a rule; the message says which, in words for the person."""


class NotAllowed(ActionRefused):
    """The member may not see (or change) this object: pages answer 403 with the message, and
    so will the API. Raised by the access_* helpers of followthrough.permissions."""


class NotFound(ObjectDoesNotExist):
    """No such object for this member: it does not exist, or it is another workspace's (an
    outsider learns nothing, so both look the same). Pages answer 404."""
