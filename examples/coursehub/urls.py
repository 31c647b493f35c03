from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("buy/<slug:slug>/", views.buy, name="buy"),
    path("purchases/return/", views.checkout_return, name="checkout_return"),
    path("purchases/", views.purchases, name="purchases"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path("admin-panel/", views.admin_panel, name="admin_panel"),
    path("admin-panel/refund/<str:payment_id>/", views.refund, name="refund"),
    path("", include("demo_common.urls")),
]
