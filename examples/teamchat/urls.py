from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("pricing/", views.pricing, name="pricing"),
    path("subscribe/<slug:code>/", views.subscribe, name="subscribe"),
    path("billing/", views.billing, name="billing"),
    path("billing/change/<slug:code>/", views.change, name="change"),
    path("billing/pending/cancel/", views.pending_cancel, name="pending_cancel"),
    path("billing/portal/", views.portal, name="portal"),
    path("chat/", views.chat, name="chat"),
    path("", include("demo_common.urls")),
]
