"""Seal personal numbers to the bureau's public key; unseal them with its private key.

Hybrid public-key encryption, the same steps as the site's sealing page (WebCrypto) so either
side can produce a token the bureau reads:

1. a fresh (ephemeral) P-256 key pair per number; ECDH with the bureau's public key -> shared secret;
2. HKDF-SHA256(secret, salt = ephemeral public key, info = INFO + bureau public key) -> AES-256 key;
3. AES-256-GCM, random 96-bit nonce, associated data = "sealed:v1:<masked>:<key id>" (so the
   masked part and the key id cannot be swapped without the bureau noticing);
4. token = sealed:v1:<masked>:<key id>:base64url(ephemeral public key (65) | nonce (12) | ciphertext+tag).

Only the public key is in the repository (config/sealing.yaml). Anyone can seal; only the holder
of the private key can unseal. Unlike a hash of a number (10^4 guesses when 7 digits are public),
a sealed number cannot be checked against guesses without the private key.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..context import ROOT
from . import personal
from .personal import PAYLOAD_CHARS, TOKEN, TOKEN_PREFIX, mask_of, plain_length, well_formed

INFO = b"eco-platform sealed v1"
POINT = 65   # uncompressed P-256 point
NONCE = 12
DEFAULT_PUBLIC = ROOT / "config" / "sealing.yaml"
ENV_PUBLIC = "PLATFORM_SEALING_KEY"  # another public-key file (tests, staging sites)


SEAL_PAGE = "seal/"  # the site's sealing page (render/sealing.py)


def seal_page_url(mkdocs_yml: Path = ROOT / "mkdocs.yml") -> str:
    """Address of the sealing page on the published site (from site_url), for forms and bot comments."""
    try:
        found = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", mkdocs_yml.read_text(encoding="utf-8"), re.M)
    except OSError:
        found = None
    base = found.group(1) if found else ""
    return (base.rstrip("/") + "/" if base else "/") + SEAL_PAGE


class SealingError(ValueError):
    """A token that cannot be opened (other key, tampered, truncated) or a key file that is not usable."""


@dataclass(frozen=True)
class PublicKey:
    key: ec.EllipticCurvePublicKey
    demo: bool = False       # not the bureau's key (sample site, tests): the sealing page says so

    @property
    def der(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    @property
    def kid(self) -> str:
        return key_id(self.der)

    @property
    def pem(self) -> str:
        return self.key.public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(spki_der: bytes) -> str:
    """First 6 bytes of SHA-256 over the public key (SubjectPublicKeyInfo DER), as 12 hex digits."""
    return hashlib.sha256(spki_der).hexdigest()[:12]


def public_key_path(setting: str | None = None, base: Path = ROOT) -> Path:
    """PLATFORM_SEALING_KEY, else the configured path (mkdocs `extra.platform.sealing_key`), else the default."""
    from ..settings import environment  # the one reader of PLATFORM_* variables
    chosen = environment().sealing_key or setting
    return (base / chosen) if chosen else DEFAULT_PUBLIC


def load_public(path: Path | None = None) -> PublicKey:
    path = path or public_key_path()
    try:
        conf = yaml.safe_load(path.read_text(encoding="utf-8"))
        key = serialization.load_pem_public_key(conf["public_key"].encode())
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise SealingError(f"无法读取主管部门公钥 {path}：{exc}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SealingError(f"{path}：公钥须为 P-256 (prime256v1) 椭圆曲线密钥")
    return PublicKey(key, bool(conf.get("demo", False)))


def public_key_file(key: PublicKey, note: str = "") -> str:
    """The text of config/sealing.yaml for `key`."""
    lines = ["# The bureau's PUBLIC key: personal numbers in data/ are sealed to it (see README, Personal numbers).",
             "# Its private key is never in this repository. Replace with `python -m build_tools keygen`.",
             f"# key id {key.kid}" + (f" - {note}" if note else "")]
    if key.demo:
        lines.append("demo: true   # not the bureau's key: the site warns visitors not to seal real numbers")
    lines.append("public_key: |")
    lines += ["  " + line for line in key.pem.strip().splitlines()]
    return "\n".join(lines) + "\n"


# --- sealing -------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aes_key(secret: bytes, eph_raw: bytes, recipient_raw: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_raw, info=INFO + recipient_raw).derive(secret)


def header(masked: str, kid: str) -> str:
    return f"{TOKEN_PREFIX}{masked}:{kid}"


def seal(number: str, key: PublicKey) -> str:
    """Token for a normalised number (11-digit mobile, 15/18-character resident ID)."""
    if len(number) not in PAYLOAD_CHARS or not re.fullmatch(r"\d+X?", number):
        raise SealingError("只能加密规范化后的手机号（11 位）或身份证号（15/18 位）")
    eph = ec.generate_private_key(ec.SECP256R1())
    eph_raw = eph.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    aes = _aes_key(eph.exchange(ec.ECDH(), key.key), eph_raw, key.raw)
    nonce = os.urandom(NONCE)
    head = header(mask_of(number), key.kid)
    sealed = AESGCM(aes).encrypt(nonce, number.encode(), head.encode())
    return f"{head}:{_b64(eph_raw + nonce + sealed)}"


class Sealer:
    """Seals numbers to one public key; the same number gets the same token within one run, so a
    file sealed as text and the same file sealed value by value agree (see `seal_file`)."""

    def __init__(self, key: PublicKey | None = None):
        self._key = key
        self.tokens: dict[str, str] = {}

    @property
    def key(self) -> PublicKey:
        """The given key, else the configured one, read when the first number needs it."""
        if self._key is None:
            self._key = load_public()
        return self._key

    def token(self, number: str) -> str:
        if number not in self.tokens:
            self.tokens[number] = seal(number, self.key)
        return self.tokens[number]

    def text(self, text: str) -> str:
        """`text` with every full number replaced by its token."""
        out, last = [], 0
        for hit in personal.find(text):
            out += [text[last:hit.start], self.token(hit.number)]
            last = hit.end
        return "".join(out) + text[last:] if out else text

    def value(self, value: Any) -> Any:
        """A record value with every string (and number-like integer) sealed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, int) and not isinstance(value, bool) and personal.find(str(value)):
            return self.text(str(value))
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


# --- unsealing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrivateKey:
    key: ec.EllipticCurvePrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key.public_key())


def generate() -> PrivateKey:
    return PrivateKey(ec.generate_private_key(ec.SECP256R1()))


def private_pem(key: PrivateKey, passphrase: bytes | None) -> bytes:
    algorithm = (serialization.BestAvailableEncryption(passphrase) if passphrase
                 else serialization.NoEncryption())
    return key.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algorithm)


def load_private(path: Path, passphrase: bytes | None = None) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=passphrase)
    except TypeError as exc:  # encrypted without a passphrase, or a passphrase for a plain key
        raise SealingError(f"{path}：{'私钥已加密，需要口令' if passphrase is None else '私钥未加密，不需要口令'}") from exc
    except (OSError, ValueError) as exc:
        raise SealingError(f"无法读取私钥 {path}：{exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SealingError(f"{path}：私钥须为 P-256 椭圆曲线密钥")
    return PrivateKey(key)


def is_encrypted_pem(path: Path) -> bool:
    return b"ENCRYPTED PRIVATE KEY" in path.read_bytes()


def check_token(token: str) -> re.Match:
    m = TOKEN.fullmatch(token)
    if m is None or not well_formed(m):
        raise SealingError("密文格式不正确或不完整（应以 sealed:v1: 开头，复制时不要遗漏字符）")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(m["payload"])[:POINT])
    except ValueError:
        raise SealingError("密文已损坏（临时公钥不在曲线上）") from None
    return m


def unseal(token: str, keys: dict[str, PrivateKey]) -> str:
    """The number inside `token`, given the private keys by key id. Raises SealingError."""
    m = check_token(token)
    key = keys.get(m["kid"])
    if key is None:
        raise SealingError(f"密文是用另一把密钥（编号 {m['kid']}）加密的，手头没有对应的私钥")
    blob = _unb64(m["payload"])
    eph_raw, nonce, sealed = blob[:POINT], blob[POINT:POINT + NONCE], blob[POINT + NONCE:]
    eph = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), eph_raw)
    aes = _aes_key(key.key.exchange(ec.ECDH(), eph), eph_raw, key.public.raw)
    try:
        number = AESGCM(aes).decrypt(nonce, sealed, header(m["masked"], m["kid"]).encode()).decode()
    except Exception:  # InvalidTag: wrong key or altered token
        raise SealingError("密文无法解密：已被改动，或不是用这把密钥加密的") from None
    if len(number) != plain_length(m["masked"]) or mask_of(number) != m["masked"]:
        raise SealingError("密文中的号码与显示的部分号码不一致")
    return number


def key_ring(keys: list[PrivateKey]) -> dict[str, PrivateKey]:
    return {k.public.kid: k for k in keys}


