"""The `oilchain` command: a Flask CLI group made by the app factory, so an
installed package needs no --app flag and no checkout."""

import os
import sys

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, pass_script_info, routes_command, shell_command, with_appcontext
from sqlmodel import select

from . import attachments, create_app, db, migrate
from .config import ConfigError, bind_base_url
from .auth import services as auth_services
from .auth.models import ORG_KINDS, ROLES, Organization
from .errors import DomainError
from .reference import seed_reference_data


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def cli():
    """oilchain: the camellia oil industry chain system of Youyang county."""


@cli.command("run", help="Serve the app with werkzeug's development server (production: gunicorn, see the Procfile).")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="$HOST or 127.0.0.1")
@click.option("--port", type=click.IntRange(1, 65535), default=lambda: int(os.environ.get("PORT", "5000")),
              show_default="$PORT or 5000")
@pass_script_info
def run_command(info: ScriptInfo, host: str, port: int):
    from werkzeug.serving import run_simple

    app = info.load_app()
    if app.config["PUBLIC_BASE_URL_FROM_BIND"]:  # lot and bottle addresses follow where it really listens
        app.config["PUBLIC_BASE_URL"] = bind_base_url(host, port)
    click.echo(f"Lot and bottle addresses begin {app.config['PUBLIC_BASE_URL']}")
    run_simple(host, port, app, threaded=True)


cli.add_command(shell_command)
cli.add_command(routes_command)


def main():
    """The console script: a configuration mistake is one clear line, not a traceback."""
    try:
        cli()
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


def register_commands(app) -> None:
    for group in (db_group, users_group, orgs_group, jobs_group, reports_group, tokens_group):
        app.cli.add_command(group)
    app.cli.add_command(demo_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(labels_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from .downloads.worker import worker_command

    app.cli.add_command(worker_command)


@click.group("db", cls=AppGroup, help="Database schema (Alembic) and reference data.")
def db_group():
    pass


@db_group.command("upgrade", help="Apply the packaged migrations, then add missing reference data.")
@click.argument("revision", default="head")
def db_upgrade(revision):
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    if revision == "head":
        added = seed_reference_data(db.session())
        click.echo(f"Database at head; reference data added: {added}")


@db_group.command("downgrade", help="Step the schema back to REVISION (e.g. -1 or base).")
@click.argument("revision")
def db_downgrade(revision):
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("current", help="Show the schema's revision.")
def db_current():
    command.current(migrate.alembic_config(current_app.config["DATABASE_URL"]), verbose=True)


@db_group.command("revision", help="Write a new migration from the models (developers).")
@click.option("-m", "--message", required=True)
def db_revision(message):
    command.revision(migrate.alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True)


@click.group("orgs", cls=AppGroup, help="Organizations.")
def orgs_group():
    pass


@orgs_group.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(ORG_KINDS), required=True)
@click.option("--credit-code", default=None, help="统一社会信用代码 (18 characters)")
def orgs_create(name, kind, credit_code):
    session = db.session()
    try:
        org = auth_services.create_organization(session, name=name, kind=kind, credit_code=credit_code)
        session.commit()
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Organization {org.id}: {org.name} ({org.kind})")


@click.group("users", cls=AppGroup, help="User accounts.")
def users_group():
    pass


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--org", "org_name", required=True, help="Name of an existing organization")
@click.option("--display-name", default="")
@click.password_option()
def users_create(username, role, org_name, display_name, password):
    session = db.session()
    org = session.exec(select(Organization).where(Organization.name == org_name)).first()
    if org is None:
        raise click.ClickException(f"No organization named {org_name!r}; create it with `oilchain orgs create`.")
    try:
        user = auth_services.create_user(
            session, username=username, password=password, role=role, organization_id=org.id, display_name=display_name
        )
        session.commit()
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"User {user.username} ({user.role}) of {org.name} created.")


@users_group.command("reset-password")
@click.argument("username")
@click.password_option(help="A temporary password: the user chooses a new one at the next sign-in.")
def users_reset_password(username, password):
    """For an admin who forgot theirs; admins reset other users' passwords on the user's page."""
    from .auth import accounts
    from .auth.models import User

    session = db.session()
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    try:
        db.transaction(session, lambda: accounts.reset_password(session, admin=None, user_id=user.id, password=password))
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Password of {username} reset; every session of the user ended; a new password is asked at sign-in.")


@click.command("demo", help="Fill an empty database with a small Youyang year of demo data.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
@click.option("--reset", is_flag=True, help="Erase ALL data first, then load the demo.")
@click.option("--yes", is_flag=True, help="Do not ask before --reset erases data.")
@click.option("--scale", type=click.Choice(["small", "county"]), default="small", show_default=True,
              help="county: a whole plan year at the 2024 targets, written in bulk (oilchain/demo/county/).")
@click.option("--seed", type=int, default=None, help="Random seed of --scale county (the same seed, the same data).")
@click.option("--years", type=click.IntRange(1, 30), default=1, show_default=True,
              help="--scale county: this many consecutive plan years, ending with the demo year.")
@with_appcontext
def demo_command(if_empty, reset, yes, scale, seed, years):
    from . import demo

    if years > 1 and scale != "county":
        raise click.UsageError("--years is for --scale county.")
    session = db.session()
    if reset:
        if not yes:
            click.confirm("This erases every record in the database. Continue?", abort=True)
        db.erase_all(session)
        seed_reference_data(session)
    elif demo.has_data(session):
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException(
            "The database already has data, so the demo was not loaded. "
            "Use --reset to erase everything and load the demo, or --if-empty to skip quietly."
        )
    if scale == "county":
        summary = demo.load_county(session, current_app.config["PUBLIC_BASE_URL"], current_app.config["SERIAL_KEY"],
                                   seed=seed, echo=click.echo, years=years)
    else:
        summary = demo.load(session, current_app.config["PUBLIC_BASE_URL"], current_app.config["SERIAL_KEY"])
    click.echo(summary)


@click.command("scheduler", help="Run the scheduled jobs (its own process: the Procfile's clock: line).")
@with_appcontext
def scheduler_command():
    from . import scheduler

    scheduler.run(current_app._get_current_object())


@click.group("jobs", cls=AppGroup, help="Scheduled jobs.")
def jobs_group():
    pass


@jobs_group.command("list")
def jobs_list():
    from . import jobs

    for job in jobs.JOBS.values():
        last = jobs.recent_runs(db.session(), job.id, limit=1)
        state = f"last: {last[0].period} {last[0].status}" if last else "never run"
        click.echo(f"{job.id:<16} {job.cron}  {state}\n    {job.description}")


@jobs_group.command("run", help="Run JOB now, for PERIOD (default: the period its last due time covers).")
@click.argument("job_id")
@click.option("--period", default=None, help="e.g. 2025-12-19 for the roll-up, 2025-11 for the monthly report")
def jobs_run(job_id, period):
    from . import clock, jobs

    job = jobs.JOBS.get(job_id)
    if job is None:
        raise click.ClickException(f"No job {job_id!r}; jobs: {', '.join(jobs.JOBS)}")
    period = period or job.period_of(job.last_due(clock.now()) or clock.now())
    record = jobs.execute(db.session(), job, period, trigger="manual")
    click.echo(f"{job.id} {record.period}: {record.status}\n{record.message}")
    if record.status != "ok":
        sys.exit(1)


@click.group("reports", cls=AppGroup, help="Roll-up and printed output reports.")
def reports_group():
    pass


@reports_group.command("rollup", help="Rebuild a year's daily actuals through a day (default: yesterday).")
@click.option("--year", type=int, default=None)
@click.option("--through", default=None, help="YYYY-MM-DD")
def reports_rollup(year, through):
    from datetime import date

    from .reports import services as reports

    day = date.fromisoformat(through) if through else reports.yesterday()
    session = db.session()
    rows = reports.rollup_year(session, year or day.year, day)
    session.commit()
    click.echo(f"{rows} daily rows for {year or day.year} through {day}")


@reports_group.command("print", help="Write the output report PDF of a year or a month.")
@click.option("--year", type=int, required=True)
@click.option("--month", type=click.IntRange(1, 12), default=None)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def reports_print(year, month, output):
    from .reports import printing

    pdf = printing.render(db.session(), year, month, printed_by="oilchain reports print")
    with open(output, "wb") as handle:
        handle.write(pdf)
    click.echo(f"{output}: {len(pdf):,} bytes")


@click.group("tokens", cls=AppGroup, help="API tokens for other systems (the EPCIS export).")
def tokens_group():
    pass


@tokens_group.command("create", help="Issue a token for USERNAME (a bureau user); it is printed once.")
@click.argument("username")
@click.option("--label", default="", help="Who or what will use it")
def tokens_create(username, label):
    session = db.session()
    try:
        token, record = auth_services.issue_api_token(session, username=username, label=label)
        session.commit()
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Token {record.id} for {username}, valid until {record.expires_at:%Y-%m-%d}:\n{token}")
    click.echo("Send it as the header  Authorization: Bearer <token>")


@tokens_group.command("list")
def tokens_list():
    from .auth.models import AccessToken, User

    rows = db.session().exec(
        select(AccessToken, User.username).join(User, User.id == AccessToken.user_id).order_by(AccessToken.id)
    ).all()
    for token, username in rows:
        state = "revoked" if token.revoked_at else f"valid until {token.expires_at:%Y-%m-%d}"
        click.echo(f"{token.id:>5} {token.purpose:<7} {username:<12} {state:<24} {token.label}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id):
    session = db.session()
    try:
        auth_services.revoke_token(session, token_id=token_id)
        session.commit()
    except DomainError as error:
        raise click.ClickException(str(error))
    click.echo(f"Token {token_id} revoked.")


@click.command("labels", help="Write bottle labels of a product LOT: an A4 PDF sheet, or CSV for label printers.")
@click.argument("lot")
@click.option("--first", type=int, default=None, help="First serial number (default: the lot's first)")
@click.option("--last", type=int, default=None, help="Last serial number (default: the lot's last)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True, help="labels.pdf or labels.csv")
@with_appcontext
def labels_command(lot, first, last, output):
    from .documents.labels import bottle_sheet
    from .processing import labels

    session = db.session()
    key, base = current_app.config["SERIAL_KEY"], current_app.config["PUBLIC_BASE_URL"]
    try:
        if output.lower().endswith(".csv"):
            rows = labels.csv_rows(session, key=key, base_url=base, lot_code=lot, first=first, last=last)
            with open(output, "w", newline="", encoding="utf-8-sig") as handle:
                attachments.write_csv(handle, labels.CSV_HEADER, rows)  # the same cells as the download
            click.echo(f"{output}: {len(rows)} labels")
            return
        made = labels.bottle_labels(session, key=key, base_url=base, lot_code=lot, first=first, last=last)
    except DomainError as error:
        raise click.ClickException(str(error))
    with open(output, "wb") as handle:
        handle.write(bottle_sheet(made.labels, made.notice))
    click.echo(f"{output}: {len(made.labels)} labels")
    if made.notice:
        click.echo(" ".join(made.notice.lines[:1]))


@click.command("backup", help="Back the database up (SQLite: the online backup API; PostgreSQL: pg_dump), "
                              "with a manifest beside the file.")
@click.option("--to", "to", default=None, help="A folder (a timestamped file is made in it) or a file name; "
                                              "default: OILCHAIN_BACKUP_DIR")
@with_appcontext
def backup_command(to):
    from . import backup

    config = current_app.config
    try:
        path, made = backup.backup(config["DATABASE_URL"], to or config["BACKUP_DIR"] + os.sep,
                                   serial_key=config["SERIAL_KEY"])
    except backup.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"{path.resolve()}: {made.size:,} bytes, schema {made.revision}, "
               f"{sum(made.tables.values()):,} rows in {len(made.tables)} tables (manifest: {made.file}.json)")
    click.echo("Keep the serial key (OILCHAIN_SERIAL_KEY) and the secret key with it: see the README, Backups.")


@click.command("restore", help="Restore a backup (its file or manifest) into the configured database, then check it.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace everything in a database that is not empty.")
@click.option("--ignore-serial-key", is_flag=True, help="Restore although the configured serial key differs.")
@with_appcontext
def restore_command(path, force, ignore_serial_key):
    from . import restore
    from .backup import BackupError

    config = current_app.config
    try:
        done = restore.restore(config["DATABASE_URL"], path, force=force, serial_key=config["SERIAL_KEY"],
                               ignore_serial_key=ignore_serial_key)
    except BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored {done.manifest.file} (taken {done.manifest.created_at}). Checked:")
    for check in done.checks:
        click.echo(f"  {'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    if not done.ok:
        sys.exit(1)
