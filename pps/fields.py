"""Model fields that keep case data encrypted at rest (SEC-1, ACC-10).

The application reads and writes plaintext attributes; the database (and every
history table, whose fields are copies of these) only ever holds ciphertext.

Each row that holds encrypted values carries ``data_key_id``, the id of its
case's data key (a ``CaseKeyField``), so that simple-history's copies of the row
can be encrypted too. Encryption happens in ``pre_save``, where the row is
known; anything that tries to send a plaintext value straight to the database
(``QuerySet.update``, ``bulk_update``, a filter on an encrypted column) is
refused rather than stored or compared in the clear.
"""

import datetime
import uuid

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from pps import crypto
from pps.normalise import NORMALISERS


def resolve_data_key_id(instance) -> uuid.UUID:
    """The data key for this row: its own, else its case's (copied onto the row)."""
    key_id = getattr(instance, "data_key_id", None)
    if key_id is None and getattr(instance, "case_id", None) is not None:
        key_id = instance.case.data_key_id
        instance.data_key_id = key_id
    if key_id is None:
        raise crypto.EncryptionKeyError(
            f"{type(instance).__name__} has no data key; create it through its case's service."
        )
    return key_id


class CaseKeyField(models.UUIDField):
    """The id of the case data key that encrypts this row's sensitive fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        return resolve_data_key_id(model_instance)


class _EncryptedField(models.BinaryField):
    """Base for encrypted fields: subclasses say how a value becomes bytes."""

    empty_value = None
    form_class: type[forms.Field] = forms.CharField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def to_bytes(self, value) -> bytes:
        raise NotImplementedError

    def from_bytes(self, data: bytes):
        raise NotImplementedError

    def _context(self) -> bytes:
        # Binds the ciphertext to the column it was written for, so a value cannot
        # be moved to another column unnoticed; history copies share the name.
        return f"pps-field:{self.attname}".encode()

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value in (None, ""):
            return None
        key_id = resolve_data_key_id(model_instance)
        return crypto.encrypt_value(self.to_bytes(value), key_id=key_id, context=self._context())

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            return super().get_db_prep_value(value, connection, prepared)
        raise crypto.EncryptionKeyError(
            f"Refusing to send a plaintext value of {self.attname!r} to the database; "
            "save it through the model (encrypted fields cannot be updated or filtered in SQL)."
        )

    def from_db_value(self, value, expression, connection):
        if value is None:
            return self.empty_value
        return self.from_bytes(crypto.decrypt_value(bytes(value), context=self._context()))

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        raise crypto.EncryptionKeyError("Encrypted fields are not serialised (dumpdata, fixtures).")

    def formfield(self, **kwargs):
        defaults = {"form_class": self.form_class, "required": not self.blank}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class EncryptedTextField(_EncryptedField):
    empty_value = ""
    description = "Encrypted text"

    def to_bytes(self, value) -> bytes:
        return str(value).encode("utf-8")

    def from_bytes(self, data: bytes) -> str:
        return data.decode("utf-8")

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea)
        return super().formfield(**kwargs)


class EncryptedCharField(EncryptedTextField):
    """Short encrypted text (names, phone numbers); length checked in Python."""

    description = "Encrypted short text"

    def __init__(self, *args, max_chars: int = 200, **kwargs):
        self.max_chars = max_chars
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_chars"] = self.max_chars
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("max_length", self.max_chars)
        return super().formfield(**kwargs)


class EncryptedDateField(_EncryptedField):
    description = "Encrypted date"
    form_class = forms.DateField

    def to_bytes(self, value) -> bytes:
        if not isinstance(value, datetime.date):
            value = datetime.date.fromisoformat(str(value))
        return value.isoformat().encode()

    def from_bytes(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode())

    def to_python(self, value):
        if isinstance(value, str) and value:
            return datetime.date.fromisoformat(value)
        return value


class BlindIndexField(models.CharField):
    """HMAC of a normalised source field, for exact-match search on encrypted data."""

    def __init__(self, *args, source: str, normaliser: str, **kwargs):
        if normaliser not in NORMALISERS:
            raise ImproperlyConfigured(f"Unknown normaliser {normaliser!r}.")
        self.source = source
        self.normaliser = normaliser
        # Indexed on its own unless the model says otherwise: a model whose
        # composite index starts with this field (and so serves every lookup
        # on it) passes db_index=False rather than keep a second copy to write.
        kwargs.setdefault("db_index", True)
        kwargs.update(max_length=32, null=True, blank=True, editable=False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "null", "blank", "editable", "db_index"):
            kwargs.pop(key, None)
        if not self.db_index:
            kwargs["db_index"] = False
        kwargs.update(source=self.source, normaliser=self.normaliser)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        digest = blind_index_for(self.normaliser, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, digest)
        return digest


def blind_index_for(normaliser: str, value) -> str | None:
    """The digest a BlindIndexField with this normaliser stores for ``value``."""
    if value in (None, ""):
        return None
    normalised = NORMALISERS[normaliser](value)
    return crypto.blind_index(normaliser, normalised) if normalised else None


def encrypted_field_names(model) -> list[str]:
    """The model's encrypted fields, for ``defer()`` where a list shows none of them."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, _EncryptedField)]


class EncryptedBinaryField(_EncryptedField):
    """Encrypted file content (uploaded documents, generated packs)."""

    description = "Encrypted bytes"
    form_class = forms.FileField

    def to_bytes(self, value) -> bytes:
        return bytes(value)

    def from_bytes(self, data: bytes) -> bytes:
        return data
