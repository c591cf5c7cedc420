from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "followthrough.demo"
    label = "demo"
    verbose_name = "Demo"
