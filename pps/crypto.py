"""Envelope encryption for case data (SEC-1, ACC-10).

- Each case owns a random 256-bit data key. It is stored only wrapped
  (AES-256-GCM) by a master key that comes from the environment, never from the
  database and never SECRET_KEY.
- Field values are encrypted with AES-256-GCM under the case's data key. Every
  ciphertext starts with a format byte and the data key's id, so it can always be
  decrypted without knowing which row it came from (history rows included).
- Anything wrong (unknown master key, destroyed data key, tampered ciphertext)
  raises EncryptionKeyError: we never hand ciphertext or a blank to the app as if
  it were the value.
- Exact-match search uses an HMAC "blind index" with a key of its own.
"""

import base64
import hashlib
import hmac
import os
import threading
import time
import uuid
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.utils import timezone

FORMAT_V1 = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32
# Unwrapped data keys are cached briefly so that a page of 25 cases costs one
# key-store query, not 25. Destroying a key evicts it at once in this process,
# but another app server (or the worker) may destroy one at any moment and has
# no way to tell this process: so within a web request only keys read from the
# key store since that request began are used (OPS-3), and a key destroyed
# elsewhere is unusable here from the next request on. Outside requests (the
# worker, commands) an entry lasts DATA_KEY_CACHE_SECONDS.
DATA_KEY_CACHE_SECONDS = 60


class EncryptionKeyError(RuntimeError):
    """A key is missing, destroyed or wrong, or a ciphertext was altered."""


# --- master keys -----------------------------------------------------------


@lru_cache(maxsize=4)
def _parse_master_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for item in spec.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not key_id:
            raise EncryptionKeyError("PPS_MASTER_KEYS must be 'id:base64key' pairs.")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise EncryptionKeyError(f"Master key {key_id!r} is not valid base64.") from exc
        if len(key) != KEY_BYTES:
            raise EncryptionKeyError(f"Master key {key_id!r} must be {KEY_BYTES} bytes.")
        keys.append((key_id, key))
    if not keys:
        raise EncryptionKeyError("No master key configured (PPS_MASTER_KEYS).")
    return tuple(keys)


def master_keys() -> dict[str, bytes]:
    return dict(_parse_master_keys(settings.PPS_MASTER_KEYS))


def current_master_key_id() -> str:
    return _parse_master_keys(settings.PPS_MASTER_KEYS)[0][0]


def generate_master_key_spec(key_id: str) -> str:
    """A new 'id:base64key' entry, for operators creating or rotating keys."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def _wrap_aad(data_key_id: uuid.UUID) -> bytes:
    return b"pps-data-key:" + data_key_id.bytes


def wrap_data_key(data_key: bytes, data_key_id: uuid.UUID, master_key_id: str) -> bytes:
    master = master_keys()[master_key_id]
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, data_key, _wrap_aad(data_key_id))


def unwrap_data_key(wrapped: bytes, data_key_id: uuid.UUID, master_key_id: str) -> bytes:
    master = master_keys().get(master_key_id)
    if master is None:
        raise EncryptionKeyError(f"Master key {master_key_id!r} is not configured.")
    try:
        return AESGCM(master).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(data_key_id)
        )
    except InvalidTag as exc:
        raise EncryptionKeyError(
            f"Master key {master_key_id!r} does not open this data key."
        ) from exc


# --- data keys (in the key store) ------------------------------------------

# key id -> (unwrapped key, monotonic time it was read, time it expires)
_cache: dict[uuid.UUID, tuple[bytes, float, float]] = {}
_cache_lock = threading.Lock()
# The monotonic time the current thread's request began (None outside a request).
_request = threading.local()


def _begin_request(**kwargs) -> None:
    _request.began = time.monotonic()


def _end_request(**kwargs) -> None:
    _request.began = None


request_started.connect(_begin_request, dispatch_uid="pps-crypto-request-started")
request_finished.connect(_end_request, dispatch_uid="pps-crypto-request-finished")


def _usable(entry: tuple[bytes, float, float] | None, now: float) -> bool:
    if entry is None or entry[2] <= now:
        return False
    began = getattr(_request, "began", None)
    return began is None or entry[1] >= began


def forget_cached_keys(*key_ids: uuid.UUID) -> None:
    with _cache_lock:
        if key_ids:
            for key_id in key_ids:
                _cache.pop(key_id, None)
        else:
            _cache.clear()


def create_data_key() -> uuid.UUID:
    from pps.keystore.models import DataKey

    key_id = uuid.uuid4()
    data_key = AESGCM.generate_key(bit_length=256)
    master_id = current_master_key_id()
    DataKey.objects.create(
        id=key_id, master_key_id=master_id, wrapped=wrap_data_key(data_key, key_id, master_id)
    )
    return key_id


def load_data_keys(key_ids) -> None:
    """Unwrap the given data keys into the cache with one key-store query."""
    from pps.keystore.models import DataKey

    now = time.monotonic()
    with _cache_lock:
        wanted = {k for k in key_ids if k is not None and not _usable(_cache.get(k), now)}
    if not wanted:
        return
    found = set()
    # Only the columns unwrapping needs, as tuples: a quarter's statistics
    # unwrap thousands of keys, and a model instance per key (its two dates
    # converted) cost more than the unwrapping.
    rows = DataKey.objects.filter(id__in=wanted).values_list("id", "wrapped", "master_key_id")
    for key_id, wrapped, master_key_id in rows:
        key = unwrap_data_key(bytes(wrapped), key_id, master_key_id)
        found.add(key_id)
        with _cache_lock:
            _cache[key_id] = (key, now, now + DATA_KEY_CACHE_SECONDS)
    # Gone from the key store (destroyed by another server): gone from here too.
    if wanted - found:
        forget_cached_keys(*(wanted - found))


def get_data_key(key_id: uuid.UUID) -> bytes:
    with _cache_lock:
        cached = _cache.get(key_id)
    if _usable(cached, time.monotonic()):
        return cached[0]
    load_data_keys([key_id])
    with _cache_lock:
        cached = _cache.get(key_id)
    if cached is None:
        raise EncryptionKeyError(f"Data key {key_id} does not exist (destroyed or never made).")
    return cached[0]


def destroy_data_key(key_id: uuid.UUID) -> bool:
    """Crypto-shred: remove the wrapped key. Returns whether a key was removed."""
    return bool(destroy_data_keys([key_id]))


def destroy_data_keys(key_ids) -> int:
    """Crypto-shred several keys in one statement (the purge's chunks); returns how many."""
    from pps.keystore.models import DataKey

    key_ids = [key_id for key_id in key_ids if key_id is not None]
    if not key_ids:
        return 0
    deleted, _ = DataKey.objects.filter(id__in=key_ids).delete()
    forget_cached_keys(*key_ids)
    return deleted


def rewrap_all_data_keys(*, dry_run: bool = False, batch_size: int = 500) -> tuple[int, int]:
    """Re-wrap every data key not yet under the current master key.

    Rows are not re-encrypted: only the small wrapped keys change, so rotation
    runs while the service is in use. Returns (rewrapped, already_current).
    """
    from django.db import transaction

    from pps.keystore.models import DataKey

    target = current_master_key_id()
    already = DataKey.objects.filter(master_key_id=target).count()
    rewrapped = 0
    while True:
        with transaction.atomic(using="keystore"):
            batch = list(DataKey.objects.exclude(master_key_id=target).order_by("id")[:batch_size])
            if not batch:
                break
            if dry_run:
                return DataKey.objects.exclude(master_key_id=target).count(), already
            for row in batch:
                plain = unwrap_data_key(bytes(row.wrapped), row.id, row.master_key_id)
                row.wrapped = wrap_data_key(plain, row.id, target)
                row.master_key_id = target
                row.rewrapped_at = timezone.now()
            DataKey.objects.bulk_update(batch, ["wrapped", "master_key_id", "rewrapped_at"])
            rewrapped += len(batch)
    return rewrapped, already


# --- field values ----------------------------------------------------------


def encrypt_value(plaintext: bytes, *, key_id: uuid.UUID, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(get_data_key(key_id)).encrypt(nonce, plaintext, context)
    return FORMAT_V1 + key_id.bytes + nonce + ciphertext


def ciphertext_key_id(blob: bytes) -> uuid.UUID:
    if not blob or blob[:1] != FORMAT_V1 or len(blob) < 1 + 16 + NONCE_BYTES + 16:
        raise EncryptionKeyError("Value is not a ciphertext of a known format.")
    return uuid.UUID(bytes=bytes(blob[1:17]))


def decrypt_value(blob: bytes, *, context: bytes) -> bytes:
    key_id = ciphertext_key_id(blob)
    nonce, ciphertext = blob[17 : 17 + NONCE_BYTES], blob[17 + NONCE_BYTES :]
    try:
        return AESGCM(get_data_key(key_id)).decrypt(nonce, ciphertext, context)
    except InvalidTag as exc:
        raise EncryptionKeyError("Ciphertext does not verify under its data key.") from exc


# --- blind index -----------------------------------------------------------


@lru_cache(maxsize=4)
def _blind_index_key(spec: str) -> bytes:
    try:
        key = base64.b64decode(spec, validate=True)
    except ValueError as exc:
        raise EncryptionKeyError("PPS_BLIND_INDEX_KEY is not valid base64.") from exc
    if len(key) < KEY_BYTES:
        raise EncryptionKeyError("PPS_BLIND_INDEX_KEY must be at least 32 bytes.")
    return key


def blind_index(purpose: str, normalised_value: str) -> str:
    """Keyed hash of an already-normalised value; equal inputs give equal outputs."""
    message = purpose.encode() + b"\x00" + normalised_value.encode()
    digest = hmac.new(_blind_index_key(settings.PPS_BLIND_INDEX_KEY), message, hashlib.sha256)
    return digest.hexdigest()[:32]
