"""The thread on a rep, booking a review, and the review brief."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.lib.errors import ActionRefused
from followthrough.sync import actions, queries
from followthrough.sync.forms import AfterReviewForm, MoveReviewForm, NoteForm, ReviewForm
from followthrough.sync.models import NoteKind
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current


@workspace_view()
def thread(request: HttpRequest, member_id: int) -> HttpResponse:
    member = current(request)
    writes = request.method == "POST"
    rep = permissions.access_thread(member, member_id, for_change=writes)
    form = NoteForm(request.POST or None, author=member)
    if writes and form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: actions.write_note(
                rep,
                author=member,
                text=data["text"],
                kind=data["kind"],
                for_manager=bool(data.get("for_manager")),
                shared_with_rep=bool(data["shared_with_rep"]),
            ),
            _("Note added. The others in the thread will hear of it."),
        )
        return redirect("thread", member.workspace.slug, rep.pk)
    in_thread = permissions.is_in_thread(member, rep)
    context = {
        "rep": rep,
        "notes": queries.thread_notes(member, rep),
        "form": form if in_thread else None,
        "in_thread": in_thread,
        "reviews": queries.latest_reviews(rep) if in_thread else [],
        "people": permissions.thread_members(rep) if in_thread else [],
    }
    return render(request, "sync/thread.html", context, status=400 if writes else 200)


@workspace_view()
def review_new(request: HttpRequest, member_id: int) -> HttpResponse:
    member = current(request)
    rep = permissions.access_thread(member, member_id, for_change=True)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.book_review(
                rep, manager=member, starts_at=data["starts_at"], location=data["location"]
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Review booked. The coaches are told; your brief comes the working day before."),
            )
            return redirect(review.get_absolute_url())
    return render(request, "sync/review_form.html", {"rep": rep, "form": form})


@workspace_view()
def review_brief(request: HttpRequest, review_id: int) -> HttpResponse:
    member = current(request)
    review = permissions.access_review(member, review_id)
    context = {
        "review": review,
        "rep": review.rep,
        "brief": queries.brief(review),
        "note_form": AfterReviewForm(),
        "move_form": MoveReviewForm(initial={"starts_at": review.starts_at}),
        "can_change": member.pk == review.manager_id or member.is_coach,
        "after_notes": review.notes.select_related("author__user").order_by("created_at"),
    }
    return render(request, "sync/review_brief.html", context)


@workspace_view()
@require_POST
def review_note(request: HttpRequest, review_id: int) -> HttpResponse:
    member = current(request)
    review = permissions.access_review(member, review_id)
    form = AfterReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(review.get_absolute_url())
    attempt(
        request,
        lambda: actions.write_note(
            review.rep,
            author=member,
            text=form.cleaned_data["text"],
            kind=NoteKind.AFTER_REVIEW,
            shared_with_rep=bool(form.cleaned_data["shared_with_rep"]),
            review=review,
        ),
        _("Your note is in the thread, where the coaches read it."),
    )
    return redirect(review.get_absolute_url())


@workspace_view()
@require_POST
def review_move(request: HttpRequest, review_id: int) -> HttpResponse:
    member = current(request)
    review = permissions.access_review(member, review_id, for_change=True)
    form = MoveReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(review.get_absolute_url())
    attempt(
        request,
        lambda: actions.move_review(
            review, starts_at=form.cleaned_data["starts_at"], by=member.user
        ),
        _("Review moved. The brief moves with it."),
    )
    return redirect(review.get_absolute_url())


@workspace_view()
@require_POST
def review_cancel(request: HttpRequest, review_id: int) -> HttpResponse:
    member = current(request)
    review = permissions.access_review(member, review_id, for_change=True)
    attempt(
        request,
        lambda: actions.cancel_review(review, by=member.user),
        _("Review cancelled. Its brief will not be sent."),
    )
    return redirect(review.get_absolute_url())
