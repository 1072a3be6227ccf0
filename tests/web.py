"""A cookie-keeping HTTP client for live servers (what a browser without
JavaScript does): pages, forms with their CSRF token, redirects followed."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Page:
    status: int
    url: str
    text: str


class WebClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=20) as response:
                return Page(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.read().decode())

    def get(self, url: str) -> Page:
        return self._open(urllib.request.Request(self._absolute(url)))

    def post(self, url: str, data: dict[str, str]) -> Page:
        """POST a form as a browser does: after a GET that sets the CSRF cookie."""
        url = self._absolute(url)
        self.get(url)
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token})
        request = urllib.request.Request(
            url, data=body.encode(), headers={"Referer": url}
        )
        return self._open(request)

    def sign_in(self, username: str, password: str) -> Page:
        return self.post(
            "/accounts/login/", {"username": username, "password": password}
        )

    def signed_in(self) -> bool:
        return any(c.name == "sessionid" for c in self.cookies)

    def _absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.base_url + url
