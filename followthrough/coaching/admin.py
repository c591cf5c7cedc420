from django.contrib import admin

from followthrough.coaching.models import Commitment, Plan, Reply, Response, Session, Todo


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["rep", "purpose", "coach", "starts_on", "deadline", "workspace"]
    list_filter = ["workspace"]
    raw_id_fields = ["coach", "rep"]
    filter_horizontal = ["stakeholders"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["plan", "starts_at", "state", "invited", "sequence"]
    list_filter = ["state", "workspace"]
    raw_id_fields = ["plan", "created_by"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["text", "owner", "due_on", "state", "round", "checkin_at", "open_loop_at"]
    list_filter = ["state", "workspace"]
    search_fields = ["text"]
    raw_id_fields = ["plan", "session", "owner"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["commitment", "round", "answer", "source", "updated_at"]
    list_filter = ["answer", "source"]
    raw_id_fields = ["commitment", "recorded_by"]


@admin.register(Todo)
class TodoAdmin(admin.ModelAdmin):
    list_display = ["text", "owner", "kind", "due_on", "done_at"]
    list_filter = ["kind"]
    raw_id_fields = ["owner", "commitment"]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["commitment", "author", "created_at"]
    raw_id_fields = ["commitment", "response", "author"]
