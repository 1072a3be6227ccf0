"""The live-server fixture really serves what the test wrote to PostgreSQL."""

import urllib.request

from tests.factories import CourseFactory


def test_live_server_serves_the_test_database(live_server_url):
    CourseFactory(title="Written by the test")

    html = urllib.request.urlopen(f"{live_server_url}/", timeout=10).read().decode()

    assert "Written by the test" in html
