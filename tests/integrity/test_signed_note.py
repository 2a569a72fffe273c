"""Checkpoint notes are C2SP signed notes: checked against the specification's and Go's
published examples byte for byte, and refused when a known key's signature fails."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.ledger import EMPTY_ROOT
from domain.ledger.checkpoint_text import CheckpointText
from domain.ledger.signed_note import (
    COSIGNATURE,
    NoteError,
    NoteSigner,
    NoteVerifier,
    cosigned_message,
    split_note,
    verified_signers,
)

SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = ("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnag"
             "v1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_SIGNATURE = ("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
                "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


def go_signer() -> NoteSigner:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])
    return NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(seed[1:]))


def test_the_specifications_example_note_verifies_under_its_verifier_key():
    verifier = NoteVerifier.from_vkey(SPEC_VKEY)

    text, signed = verified_signers(SPEC_NOTE, [verifier])

    assert text == "This is an example message.\n"
    assert signed == {SPEC_VKEY: 0}


def test_signing_reproduces_gos_reference_note_byte_for_byte():
    signer = go_signer()

    assert signer.verifier.vkey == GO_VKEY
    assert signer.sign(GO_TEXT) == GO_TEXT + "\n" + GO_SIGNATURE


def test_a_changed_text_under_a_known_key_is_refused():
    forged = SPEC_NOTE.replace("example message", "exemplary message")

    with pytest.raises(NoteError, match="does not verify"):
        verified_signers(forged, [NoteVerifier.from_vkey(SPEC_VKEY)])


def test_a_note_signed_only_by_unknown_keys_is_refused():
    other = NoteSigner("example.com/foo", Ed25519PrivateKey.generate())  # same name, new key

    with pytest.raises(NoteError, match="no known key"):
        verified_signers(other.sign("This is an example message.\n"),
                         [NoteVerifier.from_vkey(SPEC_VKEY)])


def test_an_unknown_signature_beside_a_known_one_is_ignored():
    stranger = NoteSigner("stranger.example", Ed25519PrivateKey.generate())
    note = SPEC_NOTE + stranger.signature_line("This is an example message.\n")

    _, signed = verified_signers(note, [NoteVerifier.from_vkey(SPEC_VKEY)])

    assert list(signed) == [SPEC_VKEY]


@pytest.mark.parametrize("note", [
    "no blank line\n\u2014 a AAAAAAA=\n",
    "text\n\nnot a signature line\n",
    "text\n\n\u2014 a not*base64\n",
    "text\x07bell\n\n\u2014 a AAAAAAAA\n",
    "text\n\n\u2014 a+b AAAAAAAA\n",
])
def test_a_malformed_note_is_refused_with_a_reason(note):
    with pytest.raises(NoteError):
        split_note(note)


def test_a_verifier_key_whose_id_does_not_match_its_key_is_refused():
    with pytest.raises(NoteError, match="id does not match"):
        NoteVerifier.from_vkey(SPEC_VKEY.replace("530d903a", "530d903b"))


def test_a_witness_cosignature_signs_the_time_and_the_checkpoint():
    witness = NoteSigner("witness.example/w1", Ed25519PrivateKey.generate(), COSIGNATURE)
    text = CheckpointText("example.com/log", 0, EMPTY_ROOT).text
    line = witness.signature_line(text, timestamp=1679315147)

    _, signed = verified_signers(text + "\n" + line, [witness.verifier])
    raw = base64.b64decode(line.split()[-1])
    witness.verifier.public_key.verify(raw[12:], cosigned_message(text, 1679315147))

    assert signed == {witness.verifier.vkey: 1679315147}
    assert cosigned_message(text, 1679315147).startswith(b"cosignature/v1\ntime 1679315147\n")
    assert base64.b64decode(witness.verifier.vkey.split("+", 2)[2])[0] == COSIGNATURE


def test_a_cosignature_with_its_time_changed_is_refused():
    witness = NoteSigner("witness.example/w1", Ed25519PrivateKey.generate(), COSIGNATURE)
    text = CheckpointText("example.com/log", 0, EMPTY_ROOT).text
    raw = bytearray(base64.b64decode(witness.signature_line(text, 1000).split()[-1]))
    raw[11] ^= 1  # the last byte of the timestamp
    forged = f"{text}\n\u2014 witness.example/w1 {base64.b64encode(raw).decode()}\n"

    with pytest.raises(NoteError, match="does not verify"):
        verified_signers(forged, [witness.verifier])


def test_checkpoint_text_is_origin_size_root_and_extensions_and_parses_back():
    checkpoint = CheckpointText("example.com/behind-the-sofa", 20852163,
                                base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
                                ("patients abc",))

    assert checkpoint.text == ("example.com/behind-the-sofa\n20852163\n"
                               "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\npatients abc\n")
    assert CheckpointText.parse(checkpoint.text) == checkpoint
    assert checkpoint.extension("patients") == "abc"


@pytest.mark.parametrize("text", ["o\n012\nAAAA\n", "o\n-1\n" + "A" * 44 + "\n", "o\n1\n",
                                  "o\n1\n" + "A" * 44, "o\n1\n!!\n"])
def test_a_malformed_checkpoint_text_is_refused(text):
    with pytest.raises(NoteError):
        CheckpointText.parse(text)
