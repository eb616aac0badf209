"""Corporate networks: proxies and certificates for every HTTPS client we build (GitHub and Groq).

- Proxies: ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` and ``NO_PROXY`` are honoured
  (httpx's ``trust_env``, which both clients keep on).
- Certificates: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set (a corporate CA bundle); else the
  operating system's certificate store through ``truststore`` (where a corporate CA is often the
  only place it is installed); else certifi's bundle, httpx's default.
"""

from __future__ import annotations

import os
import ssl

from tformance.core.errors import SettingsError


def tls_context() -> ssl.SSLContext:
    """The SSLContext to verify servers with, chosen as the module docstring says."""
    cafile, capath = os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None
    if cafile or capath:
        try:
            return ssl.create_default_context(cafile=cafile, capath=capath)
        except (OSError, ssl.SSLError) as error:
            names = " and ".join(
                f"{name}={value}" for name, value in (("SSL_CERT_FILE", cafile), ("SSL_CERT_DIR", capath)) if value
            )
            raise SettingsError(f"cannot load the certificates in {names}: {error.strerror or error}") from None
    try:
        import truststore
    except ImportError:  # pragma: no cover (a dependency; absent only on odd installs)
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
