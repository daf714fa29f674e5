"""One redactor for every message, log record and exception text cvmigrate prints.

Two layers, both applied by :func:`redact`:

- **exact secrets**: every secret the process has handled (a training key read from the environment or Key
  Vault, a webhook URL, ...) is registered with :func:`register`; its raw text and the forms libraries print it
  in (Python and bytes ``repr`` escapes such as httpx's "Illegal header value b'...\\n...'", URL-encoding,
  base64) are replaced wherever they appear;
- **patterns** for secrets nobody registered: key header values (``Training-Key``, ``Prediction-Key``,
  ``api-key``, ``Ocp-Apim-Subscription-Key``, ``Authorization``), URL userinfo (``https://user:pass@host``),
  secret query parameters (SAS ``sig=``, ``code=``, ``key=``, ``token=``, ``subscription-key=``), connection
  string fields (``AccountKey=``, ``SharedAccessKey=``, ``SharedAccessSignature=``, ``Password=``), bearer
  tokens and JWTs.

What remains readable: the scheme, host, path and non-secret query parameters of a URL, header names, the
service's error codes. The CLI applies :func:`redact` to everything it prints on error and installs
a log-record factory that redacts every record (:func:`install_logging_redaction`); library code
that formats a message around foreign text (an
exception from httpx or the Azure SDK) passes it through :func:`redact` too.
"""
from __future__ import annotations

import base64
import logging
import os
import re
import threading
from typing import Iterable, Mapping
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4          # shorter values would mask ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()

KEY_HEADERS = ("Training-Key", "Prediction-Key", "api-key", "Ocp-Apim-Subscription-Key", "Authorization",
               "x-functions-key", "Proxy-Authorization")
SECRET_QUERY_PARAMS = ("sig", "code", "key", "token", "subscription-key", "api-key", "access_token", "password")
CONNECTION_STRING_FIELDS = ("AccountKey", "SharedAccessKey", "SharedAccessSignature", "Password", "Pwd",
                            "ClientSecret")

_HEADER = re.compile(
    r"(?P<name>\b(?:" + "|".join(re.escape(h) for h in KEY_HEADERS if h != "Authorization") + r"))"
    r"(?P<sep>['\"]?\s*[:=]\s*(?:b?['\"])?)(?P<value>[^'\"\s,;}&]+)", re.IGNORECASE)
_AUTHORIZATION = re.compile(
    r"(?P<name>\b(?:Proxy-)?Authorization)(?P<sep>['\"]?\s*[:=]\s*(?:b?['\"])?)"
    r"(?:(?P<scheme>Bearer|Basic|SharedKey|SharedAccessSignature)\s+)?(?P<value>[^'\"\s,;}]+)", re.IGNORECASE)
_BEARER = re.compile(r"\b(?P<scheme>Bearer|Basic)\s+(?P<value>[A-Za-z0-9\-._~+/]{8,}=*)")
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*:/{1,2})(?P<userinfo>[^/\s@?#'\"]+)@")
_QUERY = re.compile(r"(?P<name>[?&;](?:" + "|".join(re.escape(p) for p in SECRET_QUERY_PARAMS) + r")=)"
                    r"(?P<value>[^&#\s'\"]+)", re.IGNORECASE)
_CONNECTION = re.compile(r"(?P<name>\b(?:" + "|".join(CONNECTION_STRING_FIELDS) + r")=)(?P<value>[^;'\"\s]+)",
                         re.IGNORECASE)
_JWT = re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")


def variants(secret: str) -> set[str]:
    """The forms a secret is printed in: raw, repr-escaped (str and bytes), URL-encoded, base64."""
    forms = {secret, secret.strip()}
    forms.add(repr(secret)[1:-1])
    try:
        raw = secret.encode("utf-8")
    except UnicodeEncodeError:
        raw = secret.encode("utf-8", "surrogatepass")
    forms.add(repr(raw)[2:-1])
    forms.add(quote(secret, safe=""))
    forms.add(quote_plus(secret))
    forms.add(base64.b64encode(raw).decode("ascii"))
    # each line of a multi-line secret on its own (a message may cut it at the newline)
    forms.update(part for part in re.split(r"[\r\n]+", secret) if part)
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def register(*secrets: str | None) -> None:
    """Remember secrets so every later :func:`redact` removes them in all their printed forms."""
    with _lock:
        for secret in secrets:
            if secret and len(secret.strip()) >= MIN_SECRET_LENGTH:
                _secrets.update(variants(secret))


_SECRET_ENV_NAME = re.compile(r"KEY|SECRET|PASSWORD|PASSPHRASE|TOKEN|CONNECTION_STRING|SAS|CREDENTIAL",
                              re.IGNORECASE)
# names that hold where a secret is, not the secret (a vault URL, a key's name or file)
_NOT_SECRET_ENV_NAME = re.compile(r"_(URL|URI|ENDPOINT|NAME|ID|PATH|FILE|DIR|ENV)$", re.IGNORECASE)
MIN_ENV_SECRET_LENGTH = 8      # "true", "1", "on" in a *_TOKEN flag are not secrets worth masking everywhere


def register_environment(environ: Mapping[str, str] | None = None) -> None:
    """Register the value of every environment variable whose name says it holds a secret
    (CUSTOM_VISION_TRAINING_KEY, AZURE_OPENAI_API_KEY, AZURE_CLIENT_SECRET, PULUMI_CONFIG_PASSPHRASE, ...)."""
    source = os.environ if environ is None else environ
    register(*(value for name, value in source.items()
               if _SECRET_ENV_NAME.search(name) and not _NOT_SECRET_ENV_NAME.search(name)
               and len(value.strip()) >= MIN_ENV_SECRET_LENGTH))


def forget_all() -> None:
    """Drop every registered secret (tests)."""
    with _lock:
        _secrets.clear()


def registered() -> frozenset[str]:
    with _lock:
        return frozenset(_secrets)


def redact(text: object) -> str:
    """``text`` (any object, via str) with every registered secret and every secret-looking value masked."""
    out = text if isinstance(text, str) else str(text)
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)      # longest first: a prefix never leaves a tail
    for secret in known:
        if secret in out:
            out = out.replace(secret, MASK)
    out = _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", out)
    out = _AUTHORIZATION.sub(lambda m: f"{m['name']}{m['sep']}{(m['scheme'] + ' ') if m['scheme'] else ''}{MASK}",
                             out)
    out = _HEADER.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m['scheme']} {MASK}", out)
    out = _QUERY.sub(lambda m: f"{m['name']}{MASK}", out)
    out = _CONNECTION.sub(lambda m: f"{m['name']}{MASK}", out)
    out = _JWT.sub(MASK, out)
    return out


def redact_all(texts: Iterable[object]) -> list[str]:
    return [redact(t) for t in texts]


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:   # noqa: BLE001 - a broken format string: keep the template, drop the args
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        record.exc_info, record.exc_text = None, None
        record.msg += f" ({type(exc).__name__}: {redact(exc)})"
    return record


class RedactingFilter(logging.Filter):
    """A logging filter that renders each record's message (with its args) and redacts it."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_installed = False


def install_logging_redaction() -> None:
    """Redact every log record of every logger as it is created (a record factory), so no handler, whenever
    it was added, ever formats a secret. Idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        return _redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
