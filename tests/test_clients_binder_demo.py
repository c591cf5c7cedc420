"""The demo's binder: Linda approved Derek's quotes (one shortened) and shared his binder with
the senior executive team; the newest quote waits for her on the review page."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from followthrough.accounts.models import Membership
from followthrough.clients import binder
from followthrough.clients.binder_models import BinderShare, Scope
from followthrough.clients.models import ClientCheckIn


def test_lindas_shared_binder_of_derek(db: object) -> None:
    call_command("demo", stdout=StringIO())
    derek = Membership.objects.get(user__email="derek@example.com", workspace__slug="brightline")
    book = binder.binder_of(Scope.REP, derek)
    assert len(book.quotes) == 5
    words = [quote.words for quote in book.quotes]
    assert any(w.startswith("Derek understood our scheduling mess") and "…" in w for w in words)
    assert ClientCheckIn.objects.candidates().filter(rep=derek).count() == 1
    link = BinderShare.objects.get(member=derek)
    assert link.created_by is not None and link.created_by.user.email == "linda@example.com"
    assert link.is_open()
    page = Client().get(reverse("binder_shared", args=[link.token()])).content.decode()
    assert "Praise for Derek Vance" in page and "Straight answers" in page
    # Complaints never reach it.
    for complaint in ClientCheckIn.objects.filter(rep=derek).complaints():
        assert complaint.comment[:20] not in page
    # Running the demo again adds nothing.
    call_command("demo", stdout=StringIO())
    assert BinderShare.objects.filter(member=derek).count() == 1
