"""Key Vault secrets through azure-keyvault-secrets: the one place that makes the client and turns azure-core's
errors of a call into a one-line user error (the legacy keys `export`/`compare` read, the identifiers
`inventory --key-vault` stores)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional

from .errors import UserError


def secret_client(url: str, credential: Any, client_factory: Optional[Callable[[str, Any], Any]] = None) -> Any:
    """A SecretClient for the vault at ``url`` (``client_factory(url, credential)`` when given: tests pass a fake)."""
    if client_factory is None:
        from azure.keyvault.secrets import SecretClient  # heavy SDK: only when a vault is used

        client_factory = lambda u, c: SecretClient(vault_url=u, credential=c)  # noqa: E731
    return client_factory(url, credential)


@contextmanager
def vault_errors(error: type[UserError], *, sign_in: str, failed: str) -> Iterator[None]:
    """Raise ``error`` for the azure-core errors of the Key Vault calls inside: a failed sign-in as ``sign_in``
    (``{reason}`` becomes the credential's first line), any other HTTP failure as ``failed`` followed by ": HTTP
    <status> <reason>". Handle narrower errors (ResourceNotFoundError) inside the block."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError  # heavy SDK: vault only

    try:
        yield
    except ClientAuthenticationError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise error(sign_in.replace("{reason}", first)) from None
    except HttpResponseError as exc:
        raise error(f"{failed}: HTTP {exc.status_code} {exc.reason or ''}".strip()) from None
