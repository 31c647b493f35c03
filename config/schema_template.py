"""The migrated empty schema, kept as SQL in config/schema.sql, so a new database starts in
seconds instead of replaying every migration (dj-stripe's alone take about a minute here).

- `./run schema` writes config/schema.sql from a real `migrate` of a scratch database.
- `./run schema --check` (CI) fails when loading config/schema.sql and then running `migrate`
  differs in any way from a real `migrate`: another table, column, index, constraint, trigger,
  row, or a migration the file does not hold.
- `./run serve`, `./run fuzz` and `./run test` load it into an empty database (or a template
  database the test databases are copied from); `migrate` then applies whatever migrations are
  newer than the file, so a stale file costs time, never correctness.

Only the standard library and psycopg here: this runs before Django is set up."""

import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "config" / "schema.sql"
# Every row of django_migrations gets this `applied` time, so the file is the same on every run.
APPLIED_AT = "2000-01-01 00:00:00+00"


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def schema_sql() -> str:
    return SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""


def schema_fingerprint() -> str:
    return hashlib.sha256(schema_sql().encode()).hexdigest()[:16]


def database_url_named(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def database_recreate(url: str) -> None:
    """Drop and create the database `url` names, from the server's `postgres` database."""
    name = database_name(url)
    with psycopg.connect(database_url_named(url, "postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')


def database_is_empty(url: str) -> bool:
    with psycopg.connect(url) as database:
        row = database.execute("SELECT to_regclass('public.django_migrations') IS NULL").fetchone()
        return bool(row and row[0])


def schema_load(url: str) -> bool:
    """Load config/schema.sql into the empty database `url`; False (and nothing done) when there
    is no file or the database already has tables of ours."""
    sql = schema_sql()
    if not sql:
        return False
    with psycopg.connect(url) as database:
        # Two starts at once: the second waits here, then finds the schema loaded.
        database.execute("SELECT pg_advisory_xact_lock(20261203)")
        exists = database.execute("SELECT to_regclass('public.django_migrations')").fetchone()
        if exists and exists[0] is not None:
            return False
        # No parameters: psycopg sends the whole file as one simple query, in this transaction.
        database.execute(sql.encode())
        database.execute("SELECT pg_catalog.set_config('search_path', 'public', false)")
    return True


def template_database_ensure(url: str) -> str:
    """A database next to `url`'s (its name + `_template`) holding config/schema.sql, made again
    when the file changed; answers its name, for Django's TEST["TEMPLATE"]."""
    name = database_name(url) + "_template"
    fingerprint = schema_fingerprint()
    with psycopg.connect(database_url_named(url, "postgres"), autocommit=True) as server:
        row = server.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] == fingerprint:
            return name
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    schema_load(database_url_named(url, name))
    with psycopg.connect(database_url_named(url, "postgres"), autocommit=True) as server:
        server.execute(f"COMMENT ON DATABASE \"{name}\" IS '{fingerprint}'")
    return name


def _pg_dump(url: str, *options: str) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise SystemExit("[run] pg_dump is needed here (Debian: apt-get install postgresql-client)")
    parts = urlsplit(url)
    host = parse_qs(parts.query).get("host", [parts.hostname or "127.0.0.1"])[0]
    command = [pg_dump, "--no-owner", "--no-privileges", "--no-comments", *options]
    command += ["-h", host, "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    dumped = subprocess.run(
        [*command, parts.path.lstrip("/")], check=True, capture_output=True, text=True
    )
    return dumped.stdout


def _normalised(dump: str) -> str:
    """A dump without what differs between two dumps of the same database: psql's
    `\\restrict` keys, version comments, blank lines, and the migrations' `applied` times."""
    lines = []
    for line in dump.splitlines():
        if line.startswith("\\") or line.startswith("--") or not line.strip():
            continue
        if line.startswith("INSERT INTO public.django_migrations "):
            line = re.sub(r"'\d{4}-\d\d-\d\d [^']*'", f"'{APPLIED_AT}'", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def schema_dump(url: str) -> str:
    """Schema and rows (content types, permissions, the migrations applied) of `url`."""
    schema = _pg_dump(url, "--schema-only")
    rows = _pg_dump(url, "--data-only", "--inserts", "--column-inserts")
    return _normalised(schema + "\n" + rows)


def _migrate(url: str, *options: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0", *options],
        cwd=ROOT,
        env=environment,
        check=False,
        capture_output=True,
        text=True,
    )


def _migrated_scratch(url: str) -> str:
    scratch = database_url_named(url, database_name(url) + "_schema_migrated")
    database_recreate(scratch)
    migrated = _migrate(scratch)
    if migrated.returncode:
        raise SystemExit(f"[run] migrate failed:\n{migrated.stdout}{migrated.stderr}")
    return scratch


def schema_write(url: str) -> None:
    say("migrating a scratch database (about a minute) to write config/schema.sql")
    SCHEMA_FILE.write_text(
        "-- The empty schema as every migration leaves it, written by `./run schema` and\n"
        "-- checked by `./run schema --check`: never edit by hand.\n"
        + schema_dump(_migrated_scratch(url))
    )
    say(f"wrote {SCHEMA_FILE.relative_to(ROOT)}")


def schema_check(url: str) -> int:
    say("checking config/schema.sql against a real migrate of a scratch database")
    migrated = schema_dump(_migrated_scratch(url))
    loaded_url = database_url_named(url, database_name(url) + "_schema_loaded")
    database_recreate(loaded_url)
    if not schema_load(loaded_url):
        say("config/schema.sql is missing: run ./run schema")
        return 1
    pending = _migrate(loaded_url, "--check", "--plan")
    if pending.returncode:
        say(
            "config/schema.sql misses migrations (run ./run schema and commit it):\n"
            + pending.stdout
        )
        return 1
    loaded = schema_dump(loaded_url)
    if loaded != migrated:
        difference = difflib.unified_diff(
            migrated.splitlines(), loaded.splitlines(), "migrate", "config/schema.sql", lineterm=""
        )
        say("config/schema.sql differs from a real migrate (run ./run schema and commit it):")
        print("\n".join(list(difference)[:200]))
        return 1
    say("config/schema.sql is what the migrations make")
    return 0
