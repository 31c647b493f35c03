"""What `./run serve` and `./run test` do after installing: find or start the services the
service needs, then run it (or its tests).

- DATABASE_URL unset: an embedded PostgreSQL (pgserver) in .data/postgres. Never SQLite.
- REDIS_URL unset: no broker; background jobs run in-process.
- STRIPE_SECRET_KEY unset (serve only): the project's Stripe emulator, and the service pointed
  at it.
- PAYPAL_CLIENT_ID unset (serve only): the project's PayPal emulator, likewise.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
EMULATOR_SECRET_KEY = "sk_test_" + "emulator" * 4
# The emulator pairs each secret key with the publishable key of the same account.
EMULATOR_PUBLISHABLE_KEY = "pk_test_" + EMULATOR_SECRET_KEY.removeprefix("sk_test_")
EMULATOR_STATE = DATA / "stripe-emulator.json"
PAYPAL_EMULATOR_STATE = DATA / "paypal-emulator.json"


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def embedded_database_url(database: str) -> str:
    import pgserver

    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "runtime"))
    (DATA / "runtime").mkdir(parents=True, exist_ok=True)
    server = pgserver.postgres_server.get_server(DATA / "postgres", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(0 rows)" in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # The server listens on a Unix socket in its data folder.
    return f"postgres://postgres@/{database}?host={DATA / 'postgres'}"


def ensure_database(database: str = "payment_service") -> None:
    if os.environ.get("DATABASE_URL"):
        return
    os.environ["DATABASE_URL"] = embedded_database_url(database)
    say(f"DATABASE_URL is not set: using an embedded PostgreSQL in {DATA / 'postgres'}.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, timeout_seconds: float = 15) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"[run] nothing answered on port {port} after {timeout_seconds} s")


def ensure_stripe(
    children: list[subprocess.Popen[bytes]], *, state_file: Path | None = EMULATOR_STATE
) -> bool:
    """Starts the emulator when there is no real Stripe key; says so plainly. With `state_file`
    it keeps its state there across restarts."""
    if os.environ.get("STRIPE_SECRET_KEY"):
        return False
    port = int(os.environ.get("STRIPE_EMULATOR_PORT") or free_port())
    # The state file makes a restart keep the customers, subscriptions and webhook endpoint
    # the database already refers to.
    # The emulator knows the key the service is given, and refuses any other as Stripe does.
    command = [
        sys.executable,
        "-m",
        "stripe_emulator",
        "--port",
        str(port),
        "--api-key",
        EMULATOR_SECRET_KEY,
    ]
    if state_file is not None:
        command += ["--state-file", str(state_file)]
    children.append(subprocess.Popen(command, cwd=ROOT))
    wait_for_port(port)
    os.environ["STRIPE_SECRET_KEY"] = EMULATOR_SECRET_KEY
    os.environ["STRIPE_PUBLISHABLE_KEY"] = EMULATOR_PUBLISHABLE_KEY
    os.environ["STRIPE_API_HOST"] = f"http://127.0.0.1:{port}"
    say(
        "STRIPE_SECRET_KEY is not set: started the project's Stripe EMULATOR at "
        f"http://127.0.0.1:{port} and pointed the service at it"
        + (f" (its state is kept in {state_file})" if state_file is not None else "")
        + ". No real money moves. "
        f"Move its clock with: curl -X POST http://127.0.0.1:{port}/_emulator/advance "
        "-d '{\"seconds\": 86400}'"
    )
    return True


def ensure_paypal(
    children: list[subprocess.Popen[bytes]],
    *,
    service_port: int,
    state_file: Path | None = PAYPAL_EMULATOR_STATE,
) -> None:
    """Starts the PayPal emulator when there is no real PayPal app (PAYPAL_CLIENT_ID unset),
    with our /webhooks/paypal/ registered as its listener; says so plainly. With `state_file`
    it keeps its state there across restarts (the orders and captures our payments refer to)."""
    if os.environ.get("PAYPAL_CLIENT_ID"):
        return
    port = int(os.environ.get("PAYPAL_EMULATOR_PORT") or free_port())
    credentials = {
        "PAYPAL_CLIENT_ID": "emulator-client-id",
        "PAYPAL_CLIENT_SECRET": "emulator-client-secret",
        "PAYPAL_WEBHOOK_ID": "WH-EMULATOR-LISTENER",
    }
    command = [sys.executable, "-m", "paypal_emulator", "--port", str(port)]
    command += ["--client-id", credentials["PAYPAL_CLIENT_ID"]]
    command += ["--client-secret", credentials["PAYPAL_CLIENT_SECRET"]]
    command += ["--webhook-url", f"http://127.0.0.1:{service_port}/webhooks/paypal/"]
    command += ["--webhook-id", credentials["PAYPAL_WEBHOOK_ID"]]
    if state_file is not None:
        command += ["--state-file", str(state_file)]
    children.append(subprocess.Popen(command, cwd=ROOT))
    wait_for_port(port)
    os.environ.update(credentials, PAYPAL_API_BASE=f"http://127.0.0.1:{port}")
    say(
        "PAYPAL_CLIENT_ID is not set: started the project's PayPal EMULATOR at "
        f"http://127.0.0.1:{port} (approval pages at /checkoutnow"
        + (f"; its state is kept in {state_file}" if state_file is not None else "")
        + ") and pointed the service at it. No real money moves."
    )


SERVE_ENVIRONMENT = DATA / "serve.env"
SHARED_VARIABLES = (
    "DATABASE_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_API_HOST",
    "REDIS_URL",
)


def database_prepare(url: str) -> None:
    """An empty database gets the migrated schema in one load instead of every migration."""
    from config import schema_template

    if schema_template.database_is_empty(url):
        say("The database is empty: loading the migrated schema from config/schema.sql...")
        started = time.monotonic()
        if schema_template.schema_load(url):
            say(f"Loaded the schema in {time.monotonic() - started:.1f} s.")


def manage(*arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, check=True)


def remember_environment() -> None:
    """`./run manage …` in another shell talks to the same database and Stripe as `serve`."""
    DATA.mkdir(parents=True, exist_ok=True)
    lines = [f"{name}={os.environ[name]}" for name in SHARED_VARIABLES if os.environ.get(name)]
    SERVE_ENVIRONMENT.write_text("\n".join(lines) + "\n")


def manage_command(arguments: list[str]) -> int:
    if SERVE_ENVIRONMENT.exists():
        for line in SERVE_ENVIRONMENT.read_text().splitlines():
            name, _, value = line.partition("=")
            os.environ.setdefault(name, value)
    ensure_database()
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, check=False
    ).returncode


def service_prepare(children: list[subprocess.Popen[bytes]], *, port: int) -> None:
    """What `serve` (and `demo`) do before the web server starts: the database, the emulators,
    migrations, static files, the emulator's webhook endpoint, and the jobs."""
    ensure_database()
    using_emulator = ensure_stripe(children)
    ensure_paypal(children, service_port=port)
    database_prepare(os.environ["DATABASE_URL"])
    say("Applying migrations (any newer than config/schema.sql)...")
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput", "-v", "0")
    if using_emulator:
        manage("setup_stripe", "--base-url", f"http://127.0.0.1:{port}")
    remember_environment()
    if os.environ.get("REDIS_URL"):
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info"], cwd=ROOT
            )
        )
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"], cwd=ROOT
            )
        )
        say("REDIS_URL is set: started a Celery worker and beat.")
    else:
        say("REDIS_URL is not set: background jobs run in-process, and no scheduled jobs run.")


def gunicorn_command(port: int) -> list[str]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    return [
        gunicorn,
        "config.wsgi",
        "--bind",
        f"0.0.0.0:{port}",
        "--workers",
        workers,
        "--access-logfile",
        "-",
        "--config",
        "config/gunicorn.py",
    ]


def serve() -> None:
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for child in children:
            child.terminate()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    port = int(os.environ.get("PORT", "8000"))
    service_prepare(children, port=port)
    say(
        f"Serving on http://127.0.0.1:{port} (API under /v1/, docs at /api/docs/, admin at /admin/)."
    )
    say("Create an app and its key (in another shell):  ./run manage create_app 'My SaaS'")
    say("Create an operator login:                      ./run manage createsuperuser")
    try:
        subprocess.run(gunicorn_command(port), cwd=ROOT, check=False)
    finally:
        stop()


DEMOS = (("coursehub", "CourseHub"), ("teamchat", "TeamChat"), ("apiforge", "APIForge"))
DEMO_DATA = DATA / "demo"
DEMO_APPS = DEMO_DATA / "apps.json"
DEMO_JOBS_SECONDS = 30


def demo_key_works(*, service_url: str, api_key: str) -> bool:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - our own service, on 127.0.0.1
        f"{service_url}/v1/app", headers={"Authorization": f"Bearer {api_key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return bool(response.status == 200)
    except urllib.error.HTTPError:
        return False


def demo_manage_json(*arguments: str) -> dict[str, str] | None:
    import json

    done = subprocess.run(
        [sys.executable, "manage.py", *arguments, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    answer: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def demo_apps_ensure(*, service_url: str) -> dict[str, dict[str, str]]:
    """Each demo's app and key, kept in .data/demo/apps.json: a key that still works is used
    again; a lost or revoked one is replaced by a new key for the same app; an app the
    database does not have (a new database) is created afresh."""
    import json

    known: dict[str, dict[str, str]] = (
        json.loads(DEMO_APPS.read_text()) if DEMO_APPS.exists() else {}
    )
    for slug, name in DEMOS:
        entry = known.get(slug) or {}
        if entry.get("api_key") and demo_key_works(
            service_url=service_url, api_key=entry["api_key"]
        ):
            continue
        made = None
        if entry.get("app_id"):
            made = demo_manage_json("create_api_key", entry["app_id"], "--name", "demo")
        if made is None:
            made = demo_manage_json("create_app", f"{name} (demo)")
            if made is None:
                raise SystemExit(f"[run] could not create the app for {name}")
            say(f"Created the app {made['app_id']} for the {name} demo.")
        known[slug] = {"app_id": made["app_id"], "api_key": made["api_key"]}
    DEMO_DATA.mkdir(parents=True, exist_ok=True)
    DEMO_APPS.write_text(json.dumps(known, indent=2) + "\n")
    DEMO_APPS.chmod(0o600)
    return known


def demo_jobs() -> None:
    """Without a broker no scheduled job runs; the demos need two of them: usage sent to the
    provider's meters (APIForge's overage) and grace periods closed when they run out."""
    import threading

    def loop() -> None:
        while True:
            time.sleep(DEMO_JOBS_SECONDS)
            for command in ("sync_usage", "expire_grace_periods"):
                subprocess.run(
                    [sys.executable, "manage.py", command],
                    cwd=ROOT,
                    check=False,
                    stdout=subprocess.DEVNULL,
                )

    threading.Thread(target=loop, name="demo-jobs", daemon=True).start()
    say(
        f"For the demos, sync_usage and expire_grace_periods run every {DEMO_JOBS_SECONDS} s "
        "(a Celery beat would schedule them with REDIS_URL set)."
    )


def demo() -> None:
    """`./run demo`: the service as `serve` runs it, then the three demo apps of examples/,
    each with its own app and key, on the next three ports."""
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    port = int(os.environ.get("PORT", "8000"))
    # The demos receive the service's webhooks on 127.0.0.1, which production refuses.
    os.environ["WEBHOOK_ALLOW_PRIVATE_DESTINATIONS"] = "true"
    try:
        service_prepare(children, port=port)
        if not os.environ.get("REDIS_URL"):
            demo_jobs()
        service = subprocess.Popen(gunicorn_command(port), cwd=ROOT)
        children.append(service)
        wait_for_port(port, timeout_seconds=60)
        service_url = f"http://127.0.0.1:{port}"
        apps = demo_apps_ensure(service_url=service_url)
        addresses = []
        for offset, (slug, name) in enumerate(DEMOS, start=1):
            demo_port = port + offset
            data_dir = DEMO_DATA / slug
            # A demo's own users belong to one app: a new app (a new database) starts it afresh.
            marker = data_dir / "app_id"
            if marker.exists() and marker.read_text() != apps[slug]["app_id"]:
                shutil.rmtree(data_dir)
            data_dir.mkdir(parents=True, exist_ok=True)
            marker.write_text(apps[slug]["app_id"])
            environment = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    [str(ROOT / "examples"), str(ROOT / "clients/python")]
                ),
                "PAYMENT_SERVICE_URL": service_url,
                "PAYMENT_SERVICE_API_KEY": apps[slug]["api_key"],
                "DEMO_BASE_URL": f"http://127.0.0.1:{demo_port}",
                "DEMO_DATA_DIR": str(data_dir),
            }
            environment.pop("DJANGO_SETTINGS_MODULE", None)
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "demo_common.serve", slug, "--port", str(demo_port)],
                    cwd=ROOT / "examples",
                    env=environment,
                )
            )
            addresses.append((name, demo_port))
        for _, demo_port in addresses:
            wait_for_port(demo_port, timeout_seconds=60)
        say(f"The service: {service_url} (API under /v1/, admin at /admin/).")
        for name, demo_port in addresses:
            say(f"{name:<10} http://127.0.0.1:{demo_port}   (its admin login: admin / admin)")
        say(
            "Sign up in any of them and pay with the test card 4242 4242 4242 4242; each page's "
            "demo controls move your customer's test clock. Ctrl-C stops everything."
        )
        service.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()


def test_workers(arguments: list[str]) -> str:
    """How many pytest-xdist workers: two per core for the whole suite (its tests mostly wait on
    the emulators' and live servers' HTTP, so a core has room for two: on two cores, four
    workers took the suite from 365 s to 254 s), none when the arguments pick tests (a file or
    two start faster in one process) or choose for themselves (`-n`); TEST_WORKERS overrides
    both."""
    chooses = any(
        argument in ("-n", "-p") or argument.startswith(("-n", "--numprocesses", "--dist"))
        for argument in arguments
    )
    picks = any(not argument.startswith("-") for argument in arguments)
    default = "0" if chooses or picks else str(2 * (os.cpu_count() or 1))
    return os.environ.get("TEST_WORKERS", default)


def test(arguments: list[str]) -> int:
    ensure_database()
    pytest_arguments = ["-m", "pytest", *arguments]
    workers = test_workers(arguments)
    if workers not in ("0", "1"):
        # Each worker takes whole modules, so a module's fixtures are made once.
        pytest_arguments += ["-n", workers, "--dist", "loadfile"]
    if os.environ.get("CI"):
        pytest_arguments.append("--create-db")
    else:
        pytest_arguments.append("--reuse-db")
    from config import schema_template

    # Each test database is copied from one holding config/schema.sql, so creating one (per
    # xdist worker) costs seconds, not a minute of migrations.
    template = schema_template.template_database_ensure(os.environ["DATABASE_URL"])
    # Importing this package set DJANGO_SETTINGS_MODULE (config/celery.py's default) in our own
    # environment; the tests must run with their own settings whatever it says.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_TEST_TEMPLATE": template,
    }
    return subprocess.run(
        [sys.executable, *pytest_arguments], cwd=ROOT, env=environment, check=False
    ).returncode


FUZZ_SEED = 20261202
# Examples per operation and phase; with 88 operations this is about 7,400 cases, over twice the
# 3,000 CI asks for, in about a minute.
FUZZ_MAX_EXAMPLES = 40


def scratch_database_url() -> str:
    """A fresh database next to DATABASE_URL's (its name + `_fuzz`), dropped and re-created."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    if not os.environ.get("DATABASE_URL"):
        return embedded_database_url("payment_service_fuzz")
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") + "_fuzz"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def fuzz(arguments: list[str]) -> int:
    """Schemathesis over every /v1/ operation of a service started on a scratch database, with
    a deterministic seed; fails on any 5xx, any response that does not match the schema and
    any status code the schema does not document."""
    children: list[subprocess.Popen[bytes]] = []
    os.environ["DATABASE_URL"] = scratch_database_url()
    os.environ.pop("REDIS_URL", None)  # jobs in-process: the run needs no worker
    os.environ["API_RATE_LIMIT_PER_SECOND"] = "100000"
    os.environ.pop("STRIPE_SECRET_KEY", None)
    try:
        ensure_stripe(children, state_file=None)  # a scratch run keeps nothing
        database_prepare(os.environ["DATABASE_URL"])
        manage("migrate", "--noinput", "-v", "0")
        created = subprocess.run(
            [sys.executable, "manage.py", "create_app", "Fuzz"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        api_key = created.stdout.strip().splitlines()[-1].strip()
        port = free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        children.append(
            subprocess.Popen(
                [
                    gunicorn,
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--config",
                    "config/gunicorn.py",
                ],
                cwd=ROOT,
            )
        )
        wait_for_port(port, timeout_seconds=60)
        schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
        return subprocess.run(
            [
                schemathesis or "schemathesis",
                "run",
                f"http://127.0.0.1:{port}/api/schema/",
                "--header",
                f"Authorization: Bearer {api_key}",
                "--include-path-regex",
                "^/v1/",
                "--checks",
                "not_a_server_error,status_code_conformance,response_schema_conformance,"
                "content_type_conformance",
                "--phases",
                "examples,coverage,fuzzing",
                "--seed",
                str(FUZZ_SEED),
                "--max-examples",
                str(FUZZ_MAX_EXAMPLES),
                "--request-timeout",
                "30",
                "--workers",
                "2",
                *arguments,
            ],
            cwd=ROOT,
            check=False,
        ).returncode
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)


CLIENT = ROOT / "clients" / "python"
CLIENT_SCHEMA = CLIENT / "openapi.json"
CLIENT_GENERATED = CLIENT / "payment_service_client" / "generated"


def client_schema_text() -> str:
    """The OpenAPI schema as the service serves it (drf-spectacular, the base settings), with
    sorted keys so the same code always gives the same bytes."""
    import json
    import tempfile

    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "schema.json"
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "spectacular",
                "--format",
                "openapi-json",
                "--validate",
                "--fail-on-warn",
                "--file",
                str(target),
            ],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        schema = json.loads(target.read_text())
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def client_generate(*, schema: Path, output: Path) -> None:
    """openapi-python-client (pinned in requirements.lock) turns `schema` into the package
    `output`, formatted by our pinned ruff with settings of its own, wherever `output` is."""
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    subprocess.run(
        [
            generator or "openapi-python-client",
            "generate",
            "--path",
            str(schema),
            "--config",
            str(CLIENT / "generator.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(output),
            "--overwrite",
        ],
        cwd=output.parent,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    operations_index_write(output)
    ruff = [sys.executable, "-m", "ruff"]
    style = ["--isolated", "--line-length", "100", "--target-version", "py311"]
    subprocess.run(
        [*ruff, "check", *style, "--fix-only", "--select", "I,F401", "--quiet", str(output)],
        check=True,
    )
    subprocess.run([*ruff, "format", *style, "--quiet", str(output)], check=True)


def operations_index_write(output: Path) -> None:
    """`generated/operations.py`: every operation module under one name, so that
    `payment_service_client.api.v1_customers_create` works (and type-checks) without an import
    per operation; openapi-python-client's own `api/<tag>/__init__.py` imports none."""
    modules = sorted(
        (path.parent.name, path.stem)
        for path in (output / "api").glob("*/*.py")
        if path.stem != "__init__"
    )
    lines = [
        '"""Every operation of the API, by its operationId (written by ./run client)."""',
        "",
        *(f"from .api.{tag} import {name}" for tag, name in modules),
        "",
        "__all__ = [",
        *(f'    "{name}",' for _, name in modules),
        "]",
        "",
    ]
    (output / "operations.py").write_text("\n".join(lines))


def _tree_files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


GENERATED_PREFIX = "payment_service_client/generated/"


def client_expected_files() -> dict[str, str]:
    """What the schema generates, by path under clients/python: the schema itself and the
    generated package."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        schema = Path(scratch) / "openapi.json"
        schema.write_text(client_schema_text())
        generated = Path(scratch) / "generated"
        client_generate(schema=schema, output=generated)
        return {"openapi.json": schema.read_text()} | {
            GENERATED_PREFIX + name: text for name, text in _tree_files(generated).items()
        }


def client_committed_files(client_dir: Path = CLIENT) -> dict[str, str]:
    """The same files as they are in `client_dir` (the generated folder's every file)."""
    schema = client_dir / "openapi.json"
    committed = {"openapi.json": schema.read_text()} if schema.exists() else {}
    generated = client_dir / GENERATED_PREFIX
    if generated.exists():
        committed |= {
            GENERATED_PREFIX + name: text for name, text in _tree_files(generated).items()
        }
    return committed


def client_differences(*, expected: dict[str, str], committed: dict[str, str]) -> list[str]:
    """A unified diff (committed → expected) of every file that differs, is missing or is extra."""
    import difflib

    differences: list[str] = []
    for name in sorted(expected.keys() | committed.keys()):
        old, new = committed.get(name), expected.get(name)
        if old != new:
            differences.extend(
                difflib.unified_diff(
                    (old or "").splitlines(keepends=True),
                    (new or "").splitlines(keepends=True),
                    f"a/clients/python/{name}" if old is not None else "/dev/null",
                    f"b/clients/python/{name}" if new is not None else "/dev/null",
                )
            )
    return differences


def client(arguments: list[str]) -> int:
    """`./run client` regenerates clients/python from the schema; `--check` regenerates into a
    scratch folder and fails, showing the difference, when the committed files differ."""
    check = arguments == ["--check"]
    if arguments and not check:
        sys.stderr.write("usage: ./run client [--check]\n")
        return 2
    expected = client_expected_files()
    if not check:
        shutil.rmtree(CLIENT_GENERATED, ignore_errors=True)
        for name, text in expected.items():
            (CLIENT / name).parent.mkdir(parents=True, exist_ok=True)
            (CLIENT / name).write_text(text)
        say(f"Regenerated {CLIENT_GENERATED.relative_to(ROOT)} from {CLIENT_SCHEMA.name}.")
        return 0
    differences = client_differences(expected=expected, committed=client_committed_files())
    if differences:
        sys.stdout.writelines(differences)
        say("clients/python differs from what the schema generates: run ./run client and commit.")
        return 1
    say("clients/python matches the schema.")
    return 0


def schema(arguments: list[str]) -> int:
    """`./run schema` writes config/schema.sql; `./run schema --check` checks it (CI)."""
    from config import schema_template

    ensure_database()
    url = os.environ["DATABASE_URL"]
    if "--check" in arguments:
        return schema_template.schema_check(url)
    schema_template.schema_write(url)
    return 0


def lint() -> int:
    ruff = [sys.executable, "-m", "ruff"]
    checked = subprocess.run([*ruff, "check", "."], cwd=ROOT, check=False).returncode
    formatted = subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT, check=False).returncode
    return checked or formatted


def typecheck() -> int:
    return subprocess.run([sys.executable, "-m", "mypy", "."], cwd=ROOT, check=False).returncode


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if command == "serve":
        serve()
    elif command == "demo":
        demo()
    elif command == "lint":
        sys.exit(lint())
    elif command == "typecheck":
        sys.exit(typecheck())
    elif command == "manage":
        sys.exit(manage_command(sys.argv[2:]))
    elif command == "test":
        sys.exit(test(sys.argv[2:]))
    elif command == "fuzz":
        sys.exit(fuzz(sys.argv[2:]))
    elif command == "schema":
        sys.exit(schema(sys.argv[2:]))
    elif command == "client":
        sys.exit(client(sys.argv[2:]))
    else:
        sys.exit(
            "usage: ./run serve | ./run test [pytest arguments] | ./run demo | ./run manage COMMAND"
            " | ./run lint"
            " | ./run typecheck | ./run fuzz | ./run schema [--check] | ./run client [--check]"
            f"  (got {command!r})"
        )


if __name__ == "__main__":
    main()
