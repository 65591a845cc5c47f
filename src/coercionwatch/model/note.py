"""Signed notes, checkpoints, cosignatures and proofs, as the C2SP specifications write
them (`signed-note`, `tlog-checkpoint`, `tlog-cosignature`, `tlog-proof`), on Ed25519 from
`cryptography`: so that Go's `sumdb/note`, Sigsum's and the witness network's tools read
what this log signs, and this log reads theirs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
COSIGNATURE = 0x04
"""The signature types of signed-note: an Ed25519 note signature, a tlog-cosignature/v1."""
PRIVATE_PREFIX = "PRIVATE+KEY+"
DASH = "\u2014"
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
MAX_NOTE_BYTES = 1 << 20


class KeyRefused(ValueError):
    """A key string that is not one."""


class NoteRefused(ValueError):
    """A note, checkpoint or proof that is malformed or does not verify."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"not base64: {text[:40]!r}") from None


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name) or not name.isprintable():
        raise KeyRefused(f"a key name must be printable, with no spaces or '+': {name!r}")
    return name


def key_id(name: str, algorithm: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public).digest()[:4]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key with its name: checks signatures of one type, Ed25519 or cosignature."""

    name: str
    public: bytes
    algorithm: int = ED25519

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public)

    def __str__(self) -> str:
        return f"{self.name}+{self.id.hex()}+{_b64(bytes([self.algorithm]) + self.public)}"

    @classmethod
    def from_key(cls, text: str) -> Verifier:
        """`name+hex8+base64(type‖key)`, the signed-note verifier key form."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise KeyRefused("a verifier key is name+hex8+base64")
        name, hex_id, encoded = parts
        _check_name(name)
        try:
            raw = _unb64(encoded)
            expected = bytes.fromhex(hex_id)
        except ValueError as exc:
            raise KeyRefused(str(exc)) from None
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE):
            raise KeyRefused("only Ed25519 keys (types 0x01 and 0x04) are supported")
        verifier = cls(name, raw[1:], raw[0])
        if verifier.id != expected:
            raise KeyRefused(f"the key ID {hex_id} does not match the key")
        return verifier

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key with its name: signs notes (and, as a witness, cosigns checkpoints)."""

    name: str
    seed: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> Signer:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(_check_name(name), seed)

    @classmethod
    def from_key(cls, text: str) -> Signer:
        """`PRIVATE+KEY+name+hex8+base64(0x01‖seed)`, as Go's note.GenerateKey writes it."""
        text = text.strip()
        if not text.startswith(PRIVATE_PREFIX):
            raise KeyRefused("a signer key starts with PRIVATE+KEY+")
        parts = text[len(PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise KeyRefused("a signer key is PRIVATE+KEY+name+hex8+base64")
        name, hex_id, encoded = parts
        try:
            raw = _unb64(encoded)
        except ValueError as exc:
            raise KeyRefused(str(exc)) from None
        if len(raw) != 33 or raw[0] != ED25519:
            raise KeyRefused("only Ed25519 signer keys are supported")
        signer = cls(_check_name(name), raw[1:])
        if signer.verifier().id.hex() != hex_id:
            raise KeyRefused(f"the key ID {hex_id} does not match the key")
        return signer

    def __str__(self) -> str:
        encoded = _b64(bytes([ED25519]) + self.seed)
        return f"{PRIVATE_PREFIX}{self.name}+{self.verifier().id.hex()}+{encoded}"

    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def verifier(self, algorithm: int = ED25519) -> Verifier:
        return Verifier(self.name, _raw(self._key().public_key()), algorithm)

    def sign(self, message: bytes) -> bytes:
        return self._key().sign(message)


# --- notes


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    body: bytes
    """What follows the key ID: the signature (and, for a cosignature, its timestamp first)."""

    def line(self) -> str:
        return f"{DASH} {self.name} {_b64(self.key_id + self.body)}\n"


def split_note(data: bytes) -> tuple[bytes, list[Signature]]:
    """The note's text (ending in a newline) and its signature lines, checked for form."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteRefused("the note is too large")
    try:
        whole = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteRefused("the note is not UTF-8") from None
    split = whole.rfind("\n\n")
    if split < 0 or not whole.endswith("\n"):
        raise NoteRefused("a note is text, a blank line, then signature lines")
    text, lines = whole[: split + 1], whole[split + 2 :]
    signatures = []
    for line in lines.splitlines():
        prefix = DASH + " "
        parts = line[len(prefix) :].split(" ") if line.startswith(prefix) else []
        if len(parts) != 2:
            raise NoteRefused(f"not a signature line: {line[:60]!r}")
        try:
            raw = _unb64(parts[1])
        except ValueError as exc:
            raise NoteRefused(str(exc)) from None
        if len(raw) < 5:
            raise NoteRefused("a signature too short to hold a key ID")
        signatures.append(Signature(parts[0], raw[:4], raw[4:]))
    if not signatures:
        raise NoteRefused("the note has no signature")
    return text.encode("utf-8"), signatures


def sign_note(text: str, signer: Signer) -> bytes:
    if not text.endswith("\n"):
        raise ValueError("a note's text ends with a newline")
    message = text.encode("utf-8")
    verifier = signer.verifier()
    return (
        message + b"\n" + Signature(signer.name, verifier.id, signer.sign(message)).line().encode()
    )


def open_note(data: bytes, verifier: Verifier) -> bytes:
    """The note's text if `verifier` signed it; other signatures are ignored, as the spec asks."""
    text, signatures = split_note(data)
    for signature in signatures:
        if signature.name == verifier.name and signature.key_id == verifier.id:
            if verifier.verifies(text, signature.body):
                return text
            raise NoteRefused(f"the signature of {verifier.name} does not verify")
    raise NoteRefused(f"not signed by {verifier.name}+{verifier.id.hex()}")


# --- checkpoints


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), _b64(self.root), *self.extensions)
        )

    @classmethod
    def parse(cls, text: bytes) -> Checkpoint:
        lines = text.decode("utf-8").split("\n")
        if len(lines) < 4 or lines[-1] != "" or not all(lines[:-1]):
            raise NoteRefused("a checkpoint is an origin, a tree size and a root hash, one a line")
        origin, size, root = lines[0], lines[1], lines[2]
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteRefused(f"the tree size is not a decimal number: {size!r}")
        try:
            digest = _unb64(root)
        except ValueError as exc:
            raise NoteRefused(str(exc)) from None
        if len(digest) != 32:
            raise NoteRefused("the root hash is not 32 bytes")
        return cls(origin, int(size), digest, tuple(lines[3:-1]))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> bytes:
    if checkpoint.origin != signer.name:
        raise ValueError("a log signs checkpoints under its origin's name")
    return sign_note(checkpoint.text(), signer)


def open_checkpoint(data: bytes, verifier: Verifier) -> Checkpoint:
    checkpoint = Checkpoint.parse(open_note(data, verifier))
    if checkpoint.origin != verifier.name:
        raise NoteRefused(f"the checkpoint's origin {checkpoint.origin!r} is not the key's name")
    return checkpoint


def checkpoint_size(data: bytes) -> int:
    """The tree size a checkpoint claims, before it is verified: only to know what to fetch."""
    text, _ = split_note(data)
    return Checkpoint.parse(text).size


# --- cosignatures (tlog-cosignature v1)


def _cosigned_message(text: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + text


def cosign(note: bytes, witness: Signer, *, timestamp: int) -> bytes:
    """The note with the witness's cosignature line added (type 0x04 key ID, a big-endian
    64-bit timestamp, then the signature)."""
    text, _ = split_note(note)
    verifier = witness.verifier(COSIGNATURE)
    body = timestamp.to_bytes(8, "big") + witness.sign(_cosigned_message(text, timestamp))
    return note + Signature(witness.name, verifier.id, body).line().encode()


def check_cosignature(note: bytes, witness: Verifier) -> int:
    """The time the witness cosigned this note at; NoteRefused if it did not."""
    text, signatures = split_note(note)
    for signature in signatures:
        if signature.name == witness.name and signature.key_id == witness.id:
            if len(signature.body) != 72:
                raise NoteRefused("a cosignature is a timestamp and a signature")
            timestamp = int.from_bytes(signature.body[:8], "big")
            message = _cosigned_message(text, timestamp)
            if witness.verifies(message, signature.body[8:]):
                return timestamp
            raise NoteRefused(f"the cosignature of {witness.name} does not verify")
    raise NoteRefused(f"not cosigned by {witness.name}+{witness.id.hex()}")


# --- proofs (tlog-proof v1)


@dataclass(frozen=True)
class InclusionProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None

    def text(self) -> str:
        lines = [PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {_b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(_b64(h) for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint.decode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> InclusionProof:
        try:
            whole = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteRefused("the proof is not UTF-8") from None
        head, found, checkpoint = whole.partition("\n\n")
        lines = head.split("\n")
        if not found or lines[0] != PROOF_HEADER:
            raise NoteRefused(f"a proof starts with {PROOF_HEADER} and ends with a checkpoint")
        extra = None
        rest = lines[1:]
        try:
            if rest and rest[0].startswith("extra "):
                extra = _unb64(rest.pop(0)[6:])
            if not rest or not rest[0].startswith("index ") or not rest[0][6:].isdigit():
                raise NoteRefused("the proof names no index")
            index = int(rest.pop(0)[6:])
            hashes = tuple(_unb64(h) for h in rest)
        except ValueError as exc:
            raise NoteRefused(str(exc)) from None
        if any(len(h) != 32 for h in hashes):
            raise NoteRefused("a proof hash is not 32 bytes")
        return cls(index, hashes, checkpoint.encode("utf-8"), extra)
