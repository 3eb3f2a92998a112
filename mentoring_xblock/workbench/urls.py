"""Workbench URLs plus the demo's landing page (``/`` lists the roles to try; ``/workbench/`` is the SDK's)."""
from django.urls import path
from workbench import views as workbench_views
from workbench.urls import urlpatterns as workbench_urlpatterns

from .views import demo_index

urlpatterns = [
    path("", demo_index, name="mentoring_demo_index"),
    path("workbench/", workbench_views.index, name="mentoring_workbench_index"),
    *workbench_urlpatterns,
]
