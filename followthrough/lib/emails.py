"""The one place that builds an outgoing message.

Each email has three templates under templates/emails/: NAME.subject.txt, NAME.txt and
NAME.html. Callers say which email, to whom, and with what context; they never touch
EmailMessage themselves. Sending is the delivery engine's: a FollowUp row names the template
and the context, and the dispatcher calls build() when the row is due.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string


def build(
    name: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    *,
    reply_to: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Renders emails/NAME.* into a message with a text body and an HTML alternative."""
    full_context = {"base_url": settings.BASE_URL, "site_name": "Followthrough", **(context or {})}
    # A subject is one line; templates may end with a newline or wrap.
    subject = " ".join(render_plain(f"emails/{name}.subject.txt", full_context).split())
    text = render_plain(f"emails/{name}.txt", full_context)
    html = render_to_string(f"emails/{name}.html", full_context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message


def render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    """Renders a plain-text template without HTML escaping: "O'Brien" stays "O'Brien"."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return str(template.render(Context(dict(context), autoescape=False)))
