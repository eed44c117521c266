"""People's own pages (issue 15): signing in and out, setting and resetting a password, the
account page, the ``/app`` home, and a manager's council pages (API keys, sharing). They call the
same services as the JSON routes and the CLI (``api.people.service``, ``api.auth``,
``api.recommendations.service``); sessions and CSRF are the shell's (``api.web``)."""
