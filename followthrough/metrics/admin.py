from django.contrib import admin

from followthrough.metrics.models import Entry, Metric


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "position", "workspace"]
    list_filter = ["workspace", "kind"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["member", "metric", "day", "value", "source"]
    list_filter = ["source", "workspace"]
    raw_id_fields = ["member", "metric", "response", "recorded_by"]
