"""Application factory: plugins, routes and problem-details error handling."""

from __future__ import annotations

import logging
from importlib.metadata import version as package_version

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, Server

from api import deprecations
from api.accounts.council_pages import CouncilPages
from api.accounts.pages import AccountPages
from api.analytics.routes import AnalyticsController
from api.audits.carry_forward import CarryForwardController
from api.audits.import_pages import ImportPages
from api.audits.pages import TeamPages
from api.audits.routes import AuditController
from api.benchmarks.pages import BenchmarkPages
from api.benchmarks.routes import BenchmarkController
from api.councils.registry import CouncilRegistry
from api.councils.routes import CouncilController
from api.db.engine import alchemy_config, create_engine
from api.framework.diff_routes import FrameworkDiffController
from api.framework.editing_routes import FrameworkEditingController
from api.framework.editor_pages import FrameworkEditorPages
from api.framework.exports import FrameworkExportController
from api.framework.pages import FrameworkPages
from api.framework.routes import FrameworkController
from api.framework.store import FrameworkStore
from api.gc_tuning import CollectorTuning
from api.http_guards import ControlCharacterGuard, HeadAsGet, response_headers
from api.json_bodies import JsonBodyRequest, StrictStructSchemaPlugin
from api.matching.routes import MatchController
from api.needs.pages import NeedsPages
from api.needs.routes import AnalysisController, NeedsController
from api.openapi_security import SCHEME, SECURITY_SCHEME, secure_operations
from api.people.pages import PeoplePages
from api.people.routes import PeopleController
from api.public_cache import PublicReadCache
from api.ratelimit import RateLimiter, announce_rate_limits
from api.recommendations.pages import RecommendationPages
from api.recommendations.routes import LearningSetController, RecommendationController
from api.refresh import reader_engine
from api.reports.pages import ReportPages
from api.reports.routes import ReportController
from api.rounds.member_pages import SelfAssessmentPages
from api.rounds.pages import RoundPages
from api.rounds.routes import ROUTES as ROUND_ROUTES
from api.settings import Settings
from api.system.routes import SystemController
from api.timeouts import BodyDeadlineMiddleware
from api.web.assets import static_files_router
from api.web.csrf import CsrfMiddleware
from api.web.error_pages import EXCEPTION_HANDLERS
from api.web.home import HomeController
from api.web.sessions import SESSION_EXCEPTION_HANDLERS
from api.web.templating import template_config
from api.webhooks.routes import WebhookController
from api.webhooks.worker import BackgroundDeliverer

API_TITLE = "ED Skills Pathways API"


def _version() -> str:
    try:
        return package_version("edskills")
    except Exception:  # pragma: no cover - running from a source tree without install
        return "0.0.0"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    # Our loggers get the configured level; the root logger is left to whoever runs the process
    # (uvicorn, pytest, a benchmark), so creating an app in-process never makes httpx and every
    # other library log each request at INFO, as litestar's default root configuration would.
    logging.getLogger("api").setLevel(settings.log_level.upper())
    # aiosqlite logs every statement's parameters (names, evidence) at DEBUG: never let it.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    version = _version()
    engine = create_engine(settings)
    rate_limiter = RateLimiter(settings)
    reader = reader_engine(settings)  # the in-memory copies' own small pool (api.refresh)
    refresh_seconds = settings.framework_refresh_seconds
    webhooks = BackgroundDeliverer(settings)  # the delivery loop, unless webhooks_worker is off
    collector = CollectorTuning()  # start-up objects frozen, fewer young collections (issue 18)
    app = Litestar(
        route_handlers=[
            SystemController,
            FrameworkController,
            FrameworkEditingController,
            FrameworkExportController,
            FrameworkDiffController,
            MatchController,
            CouncilController,
            AuditController,
            CarryForwardController,
            NeedsController,
            AnalysisController,
            ReportController,
            RecommendationController,
            LearningSetController,
            BenchmarkController,
            AnalyticsController,
            PeopleController,
            WebhookController,
            *ROUND_ROUTES,
            HomeController,
            AccountPages,
            CouncilPages,
            TeamPages,
            ImportPages,
            PeoplePages,
            FrameworkPages,
            FrameworkEditorPages,
            NeedsPages,
            RecommendationPages,
            BenchmarkPages,
            ReportPages,
            RoundPages,
            SelfAssessmentPages,
            static_files_router(),
        ],
        plugins=[SQLAlchemyPlugin(config=alchemy_config(engine)), StrictStructSchemaPlugin()],
        request_class=JsonBodyRequest,
        on_startup=[webhooks.start, collector.start],
        on_shutdown=[collector.stop, webhooks.stop, engine.dispose, rate_limiter.close, reader.dispose],
        # problem+json; HTML pages under /app (api.web); a page needing a session redirects to sign in
        exception_handlers={**EXCEPTION_HANDLERS, **SESSION_EXCEPTION_HANDLERS},
        template_config=template_config(),
        logging_config=LoggingConfig(configure_root_logger=False),
        request_max_body_size=settings.max_body_bytes,
        middleware=[
            BodyDeadlineMiddleware(settings.body_timeout_seconds),
            ControlCharacterGuard(),
            CsrfMiddleware(),  # every unsafe method under /app; /v1 untouched (api.web.csrf)
        ],
        state=State(
            {
                "settings": settings,
                "version": version,
                "framework_store": FrameworkStore(reader, refresh_seconds=refresh_seconds),
                "council_registry": CouncilRegistry(reader, refresh_seconds=refresh_seconds),
                "rate_limiter": rate_limiter,
                "deprecations": deprecations.by_operation(deprecations.REGISTRY),
            }
        ),
        before_send=[announce_rate_limits, response_headers, deprecations.announce_deprecations],
        openapi_config=OpenAPIConfig(
            title=API_TITLE,
            version=version,
            description=(
                "Skills taxonomy, team skill audits, gap analysis and recommendations for economic "
                "development teams in UK local government. Errors are RFC 9457 problem details."
            ),
            path="/schema",
            servers=[Server(url="/")],
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin(), SwaggerRenderPlugin()],
            use_handler_docstrings=True,
            components=Components(security_schemes={SCHEME: SECURITY_SCHEME}),
        ),
        debug=False,
    )
    secure_operations(app)
    # Before routing: HEAD as GET (api.http_guards); public reads replayed from memory (api.public_cache).
    app.asgi_handler = HeadAsGet(
        PublicReadCache(app.asgi_handler, app.state.framework_store, app.state.council_registry)
    )
    return app
