"""The praise binder as a PDF: the same content as its page, laid out by WeasyPrint from a
template and a stylesheet file (no inline style: the page's CSP applies to the HTML too), with a
cover, one quote per block and page numbers (CSS @page counters).

WeasyPrint is slow and memory-hungry on long documents, so a PDF is rendered by a background
task (`render_binder_pdf`) and kept as a BinderPdf row while the binder's content hash is the
same; a visit finds it ready, or asks for it and waits.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from followthrough.accounts.models import Membership
from followthrough.clients import binder as binders
from followthrough.clients.binder_models import BinderPdf
from followthrough.core import tasks

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "binder-print.css"


def render(book: binders.Binder, workspace_name: str) -> tuple[bytes, int]:
    """The PDF's bytes and its page count, in the active language."""
    # Imported here: WeasyPrint loads pango at import, which only the PDF needs.
    from weasyprint import CSS, HTML

    html = render_to_string(
        "clients/binder_pdf.html",
        {
            "binder": book,
            "workspace_name": workspace_name,
            "made_on": timezone.localdate(),
            "LANGUAGE_CODE": translation.get_language(),
        },
    )
    document = HTML(string=html, base_url=str(STYLESHEET.parent)).render(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
    return document.write_pdf(), len(document.pages)


def fresh_pdf(scope: str, member: Membership, content_hash: str, language: str) -> BinderPdf | None:
    """The kept PDF of this binder, if its content has not changed since."""
    return BinderPdf.objects.filter(
        scope=scope, member=member, language=language, content_hash=content_hash
    ).first()


@task
def render_binder_pdf(*, scope: str, member_id: int, language: str, workspace_id: int) -> str:
    """Renders the binder's PDF and keeps it (replacing an older one); returns its hash. A PDF
    already kept for the same content is not rendered again."""
    member = Membership.objects.select_related("user__profile", "workspace").get(
        pk=member_id, workspace_id=workspace_id
    )
    with translation.override(language):
        book = binders.binder_of(scope, member)
        content_hash = book.content_hash
        if fresh_pdf(scope, member, content_hash, language) is not None:
            return content_hash
        data, pages = render(book, member.workspace.name)
    fields = {
        "workspace_id": workspace_id,
        "content_hash": content_hash,
        "pdf": data,
        "pages": pages,
        "rendered_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            BinderPdf.objects.update_or_create(
                scope=scope, member=member, language=language, defaults=fields
            )
    except IntegrityError:  # two workers rendered at once: the other's row stands
        pass
    return content_hash


def rendering(scope: str, member: Membership, language: str) -> DBTaskResult | None:
    """The latest render task of this binder in this language, if one is stored."""
    return (
        DBTaskResult.objects.filter(
            task_path=render_binder_pdf.module_path,
            args_kwargs__kwargs__scope=scope,
            args_kwargs__kwargs__member_id=member.pk,
            args_kwargs__kwargs__language=language,
        )
        .order_by("-enqueued_at")
        .first()
    )


def ask_for(scope: str, member: Membership, language: str) -> None:
    """Enqueues a render unless one is waiting or running."""
    if tasks.is_active(rendering(scope, member, language)):
        return
    tasks.enqueue_on_commit(
        render_binder_pdf,
        scope=scope,
        member_id=member.pk,
        language=language,
        workspace_id=member.workspace_id,
    )


def ready_or_ask(scope: str, member: Membership) -> BinderPdf | None:
    """The binder's kept PDF in the active language if it is current; otherwise a render is
    asked for (once) and None returned, for the page to wait."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    content_hash = binders.binder_of(scope, member).content_hash
    kept = fresh_pdf(scope, member, content_hash, language)
    if kept is None:
        ask_for(scope, member, language)
    return kept
