"""OpenID id_token signing and the JWKS that lets intuit-oauth verify it.

The key pair is generated when the sandbox starts and lives only in memory: an
id_token is verified once, when it is issued, so nothing needs the key later.
"""

from __future__ import annotations

import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class IdTokenSigner:
    """RS256 signer for id_tokens with a per-process key (``kid`` below)."""

    kid = "posbooks-sandbox-1"

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict:
        """The public key set served at jwks_uri."""
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def sign(
        self, *, issuer: str, client_id: str, subject: str, realm_id: str, nonce: str | None = None
    ) -> str:
        """An id_token for ``subject``; real time, not sandbox time, because the client
        checks ``iat``/``exp`` against its own clock. ``nonce``: the one the client sent with
        its authorization request (OpenID Connect Core 3.1.2.1), which it checks here."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": [client_id],  # intuit-oauth reads aud[0]
            "sub": subject,
            "realmid": realm_id,
            "auth_time": now,
            "iat": now,
            "exp": now + 3600,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
