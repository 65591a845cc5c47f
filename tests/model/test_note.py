"""Signed notes, checkpoints, cosignatures and proofs, against the example key and note of
Go's golang.org/x/mod/sumdb/note (Ed25519 signatures are deterministic, so the signature
this code makes must be the one Go's tests publish)."""

from __future__ import annotations

import pytest

from coercionwatch.model import merkle, note

GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqd"
    "ngotpRZb6KE6RyyBwJnAM=\n"
)


def test_keys_and_signature_are_gos():
    signer = note.Signer.from_key(GO_SIGNER)
    assert str(signer) == GO_SIGNER
    assert str(signer.verifier()) == GO_VERIFIER
    signed = note.sign_note(GO_TEXT, signer)
    assert signed.decode() == GO_TEXT + "\n" + GO_SIGNATURE
    assert note.open_note(signed, note.Verifier.from_key(GO_VERIFIER)) == GO_TEXT.encode()


def test_a_changed_note_or_another_key_is_refused():
    verifier = note.Verifier.from_key(GO_VERIFIER)
    signed = note.sign_note(GO_TEXT, note.Signer.from_key(GO_SIGNER))
    with pytest.raises(note.NoteRefused, match="does not verify"):
        note.open_note(signed.replace(b"answer", b"ANSWER"), verifier)
    other = note.Signer.generate("PeterNeumann")
    with pytest.raises(note.NoteRefused, match="not signed by"):
        note.open_note(note.sign_note(GO_TEXT, other), verifier)
    with pytest.raises(note.NoteRefused):
        note.open_note(GO_TEXT.encode(), verifier)


def test_bad_keys_are_refused():
    with pytest.raises(note.KeyRefused, match="key ID"):
        note.Verifier.from_key(GO_VERIFIER.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(note.KeyRefused):
        note.Verifier.from_key("no-plus-signs")
    with pytest.raises(note.KeyRefused):
        note.Signer.from_key(GO_VERIFIER)


def test_checkpoints_round_trip_and_name_their_origin():
    signer = note.Signer.generate("example.org/log")
    checkpoint = note.Checkpoint(
        "example.org/log",
        8,
        bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    )
    signed = note.sign_checkpoint(checkpoint, signer)
    assert signed.startswith(b"example.org/log\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt")
    assert note.open_checkpoint(signed, signer.verifier()) == checkpoint
    assert note.checkpoint_size(signed) == 8
    with pytest.raises(note.NoteRefused):
        note.Checkpoint.parse(b"example.org/log\n08\nAAAA\n")


def test_cosignatures_add_a_line_that_verifies_and_leave_the_log_signature():
    log = note.Signer.generate("example.org/log")
    witness = note.Signer.generate("witness.example")
    checkpoint = note.Checkpoint("example.org/log", 1, merkle.leaf_hash(b"x"))
    signed = note.sign_checkpoint(checkpoint, log)
    cosigned = note.cosign(signed, witness, timestamp=1_700_000_000)
    assert note.open_checkpoint(cosigned, log.verifier()) == checkpoint
    witness_key = note.Verifier.from_key(str(witness.verifier(note.COSIGNATURE)))
    assert note.check_cosignature(cosigned, witness_key) == 1_700_000_000
    forged = cosigned.replace(b"\n1\n", b"\n2\n", 1)
    with pytest.raises(note.NoteRefused):
        note.check_cosignature(forged, witness_key)


def test_proofs_round_trip():
    checkpoint = "origin\n6\nAAAA\n\n\u2014 x y\n".encode()
    proof = note.InclusionProof(5, (bytes(32), bytes(range(32))), checkpoint, b"e")
    assert note.InclusionProof.parse(proof.text().encode()) == proof
    assert proof.text().startswith("c2sp.org/tlog-proof@v1\nextra ZQ==\nindex 5\n")
    with pytest.raises(note.NoteRefused):
        note.InclusionProof.parse(b"c2sp.org/tlog-proof@v1\nindex x\n\nc")
