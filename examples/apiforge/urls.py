from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("pricing/", views.pricing, name="pricing"),
    path("subscribe/<slug:code>/", views.subscribe, name="subscribe"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("usage/report/", views.report_now, name="report_now"),
    path("invoice/", views.invoice, name="invoice"),
    path("api/v1/forge", views.api_forge, name="api_forge"),
    path("", include("demo_common.urls")),
]
