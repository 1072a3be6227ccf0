"""Friendly error pages that need nothing but the static files."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_server_error_page_renders_without_a_request_context(db):
    response = server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "<title>Something went wrong · Educa</title>" in html
    assert "Please try again in a moment." in html


def test_not_found_page_offers_the_way_back_to_the_catalog(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert '<a class="button" href="/">Browse courses</a>' in response.content.decode()
