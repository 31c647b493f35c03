import getpass

from tenants.actors import Actor


def operator_actor() -> Actor:
    """Commands are run by an operator at a shell; the audit trail names them."""
    try:
        username = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        username = "unknown"
    return Actor.staff(f"cli:{username}")
