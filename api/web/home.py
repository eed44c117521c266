"""``/``: what the service is, with links to sign in, the API documentation and the open data."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from api.web.render import page


class HomeController(Controller):
    path = "/"
    include_in_schema = False
    tags = ["pages"]

    @get(operation_id="getHomePage")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        """The service's front door (issue 15): public, no JavaScript needed."""
        return page(request, "home.html")
