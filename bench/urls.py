"""The product's URLs plus the bare-insert view, which gives the benchmark its
limit: the most a submission could cost in this process and middleware."""

from django.urls import path

from crm.urls import urlpatterns as product_urlpatterns

from . import bare_insert

urlpatterns = [
    path("bench/bare-insert/", bare_insert.bare_insert, name="bench_bare_insert"),
    *product_urlpatterns,
]
