from django.contrib import admin

from cases.models import Topic
from pps.admin import ServiceScopedAdmin


@admin.register(Topic)
class TopicAdmin(ServiceScopedAdmin):
    list_display = ["name", "service", "position", "active"]
    list_editable = ["position", "active"]
