"""oilchain: the camellia oil industry chain system of Youyang county."""

from flask import Flask

from . import db  # noqa: F401  (sets the metadata naming convention before any model)
from .resources import PACKAGE_DIR, resource_dir  # noqa: F401  (for callers of the old names)


def create_app(test_config: dict | None = None) -> Flask:
    from . import actors, config, i18n, labels, reactions, security, web
    from .auth import setup as auth_setup
    from .admin import contact as admin_contact  # noqa: F401  (an organization's GLN and contact, on the admin blueprint)
    from .admin import users as admin_users  # noqa: F401  (user pages and the audit log, on the admin blueprint)
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .brain import curve_views  # noqa: F401  (the forecast's curves, on the brain blueprint)
    from .brain import warning_views  # noqa: F401  (early warnings' pages, on the brain blueprint)
    from .brain.views import bp as brain_bp
    from .byproducts.views import bp as byproducts_bp
    from .downloads import queue as documents_queue
    from .downloads.views import bp as downloads_bp
    from .epcis.views import bp as epcis_bp
    from .gi.views import bp as gi_bp
    from .harvest import field  # noqa: F401  (the field app's routes, on the harvest blueprint)
    from .harvest.views import bp as harvest_bp
    from .nursery.public_views import bp as seedling_public_bp
    from .nursery.views import bp as nursery_bp
    from .organizations.views import bp as organizations_bp
    from .planting.views import bp as planting_bp
    from .processing import oil_views  # noqa: F401  (the oil mill's pages, on the processing blueprint)
    from .processing import photo_views  # noqa: F401  (a product's photo, on the processing blueprint)
    from .processing.views import bp as processing_bp
    from .public import scan as public_scan
    from .public.media import bp as media_bp
    from .public.views import bp as public_bp
    from .reports.views import bp as reports_bp
    from .sales.views import bp as sales_bp
    from .trace import recall_views  # noqa: F401  (recall pages, on the trace blueprint)
    from .trace.views import bp as trace_bp

    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_relative_config=True,
    )
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    reactions.install()  # what follows from what, before any service runs
    web.init_app(app)  # first: the blueprints' rules use its URL converter
    security.init_app(app)  # response headers (CSP and others); before the fast scan path copies them
    db.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    actors.init_app(app)  # the `who` filter: people by name, system actors as such
    auth_setup.init_app(app)
    for blueprint in (
        auth_bp,
        admin_bp,
        nursery_bp,
        planting_bp,
        harvest_bp,
        processing_bp,
        byproducts_bp,
        sales_bp,
        trace_bp,
        reports_bp,
        gi_bp,
        public_bp,
        media_bp,
        organizations_bp,
        seedling_public_bp,
        epcis_bp,
        downloads_bp,
        brain_bp,
    ):
        app.register_blueprint(blueprint)
    documents_queue.make_queue(app)  # huey on the app's database (or inline): the worker's tasks
    public_scan.init_app(app)  # after the templates' filters and translations are set up
    if app.config.get("TRUSTED_PROXIES"):  # outermost, so the fast scan path sees the client's address too
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from .cli import register_commands

    register_commands(app)
    return app
