#!/usr/bin/env python3
"""Writes the vector files of tests/vectors/{signed-note,checkpoint,consistency-proof,custody-event,keyslots}.

The vectors are computed here, outside the Rust code they check, from the specifications: C2SP
signed-note and tlog-checkpoint, RFC 6962/9162 Merkle trees and consistency proofs, RFC 8785 canonical
JSON; keyslots.json read with Argon2id, XChaCha20-Poly1305 and HKDF as keys/slots.rs describes it. A
difference between this script and the core is a difference from the specification on one side.
The key slot files themselves are vaults' own (tests/vectors/keyslots/inputs/, made by `custodia init` and
`custodia recovery create`): this script derives every case from them and computes what each must open.
The committed files are the reference; run this only to add a case (needs python3-cryptography, Debian's
package), then read the diff: an existing vector must not change.

Usage: scripts/make-vectors.py [tests/vectors]
"""

import base64
import hashlib
import json
import sys
from pathlib import Path

import struct
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/vectors")
B64 = lambda b: base64.b64encode(b).decode()
DASH = "\u2014"


def write(folder, name, headers, body):
    path = OUT / folder / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    path.write_bytes((head + "\n" + body).encode())


# --- signed notes (c2sp.org/signed-note) -------------------------------------------------------------

def key_from_seed(label):
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def public(key):
    return key.public_key().public_bytes_raw()


def key_id(name, key):
    return hashlib.sha256(name.encode() + b"\n\x01" + public(key)).digest()[:4]


def verifier_key(name, key):
    typed = B64(b"\x01" + public(key))
    return f"{name}+{key_id(name, key).hex()}+{typed}"


def signature_line(text, name, key):
    return f"{DASH} {name} {B64(key_id(name, key) + key.sign(text.encode()))}\n"


def sign(text, name, key):
    return text + "\n" + signature_line(text, name, key)


VAULT = "custodia.vault/00112233445566778899aabbccddeeff"
VAULT_KEY = key_from_seed("custodia vector vault key")
WITNESS = "witness.example/w1"
WITNESS_KEY = key_from_seed("custodia vector witness key")
OTHER_KEY = key_from_seed("custodia vector other key")


def signed_notes():
    # The example of golang.org/x/mod/sumdb/note's documentation (BSD-3-Clause), byte for byte.
    go_text = ("If you think cryptography is the answer to your problem,\n"
               "then you don't know what your problem is.\n")
    go_note = go_text + "\n" + DASH + (" PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
                                       "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
    go = {
        "name": "PeterNeumann",
        "key": "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    }
    write("signed-note", "go-reference", {
        "expect": "ok",
        "comment": "the example note of golang.org/x/mod/sumdb/note, signed by the reference implementation",
        **go,
        "signer": "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "text": B64(go_text.encode()),
    }, go_note)
    cases = {
        "go-altered-text": ("bad_signature", "one word of the text changed after signing",
                            go_note.replace("answer", "Answer")),
        "go-no-final-newline": ("malformed", "a note ends with a newline", go_note[:-1]),
        "go-no-blank-line": ("malformed", "text and signatures are separated by a blank line",
                             go_note.replace("\n\n", "\n")),
        "go-bad-base64": ("malformed", "the signature is not base64", go_note.replace("x08go/", "x08go*")),
        "go-other-name": ("no_signature", "the only signature line names another key",
                          go_note.replace(f"{DASH} PeterNeumann", f"{DASH} PaulNeumann")),
        "go-hyphen-not-dash": ("malformed", "signature lines start with an em dash, not a hyphen",
                               go_note.replace(DASH, "-")),
    }
    for name, (expect, comment, note) in cases.items():
        write("signed-note", name, {"expect": expect, "comment": comment, **go}, note)
    text = "a note with two signers\n"
    both = text + "\n" + signature_line(text, WITNESS, WITNESS_KEY) + signature_line(text, "vault", VAULT_KEY)
    write("signed-note", "second-signer-first", {
        "expect": "ok", "comment": "another key's signature line comes first and is ignored",
        "name": "vault", "key": verifier_key("vault", VAULT_KEY), "text": B64(text.encode()),
    }, both)


# --- checkpoints (c2sp.org/tlog-checkpoint) ----------------------------------------------------------

def checkpoint_body(origin, size, root, extra=""):
    return f"{origin}\n{size}\n{B64(root)}\n{extra}"


def checkpoints():
    root = hashlib.sha256(b"a root").digest()
    key = verifier_key(VAULT, VAULT_KEY)

    def case(name, expect, comment, note, **expected):
        write("checkpoint", name, {"expect": expect, "comment": comment, "key": key, **expected}, note)

    ok = checkpoint_body(VAULT, 42, root)
    case("ok", "ok", "a vault's checkpoint", sign(ok, VAULT, VAULT_KEY), origin=VAULT, size="42", root=B64(root))
    cosigned = sign(ok, VAULT, VAULT_KEY) + signature_line(ok, WITNESS, WITNESS_KEY)
    case("cosigned", "ok", "a witness's cosignature line after the vault's is ignored", cosigned,
         origin=VAULT, size="42", root=B64(root))
    extension = checkpoint_body(VAULT, 7, root, "an extension line\n")
    case("extension-line", "ok", "extension lines after the root are allowed", sign(extension, VAULT, VAULT_KEY),
         origin=VAULT, size="7", root=B64(root))
    empty = checkpoint_body(VAULT, 0, hashlib.sha256(b"").digest())
    case("empty-log", "ok", "size 0, the root of the empty tree", sign(empty, VAULT, VAULT_KEY),
         origin=VAULT, size="0", root=B64(hashlib.sha256(b"").digest()))
    bad_bodies = {
        "size-leading-zero": ("bad_line size", "042"),
        "size-plus-sign": ("bad_line size", "+42"),
        "size-beyond-u64": ("bad_line size", "18446744073709551616"),
        "size-empty": ("bad_line size", ""),
    }
    for name, (expect, size) in bad_bodies.items():
        body = f"{VAULT}\n{size}\n{B64(root)}\n"
        case(name, expect, f"the size {size!r} is not a canonical decimal", sign(body, VAULT, VAULT_KEY))
    short = f"{VAULT}\n42\n{B64(root[:31])}\n"
    case("root-short", "bad_line root hash", "a root of 31 bytes", sign(short, VAULT, VAULT_KEY))
    spaced = checkpoint_body(VAULT + " x", 42, root)
    case("origin-with-space", "bad_line origin", "an origin has no spaces", sign(spaced, VAULT + " x", VAULT_KEY))
    altered = sign(ok, VAULT, VAULT_KEY).replace("\n42\n", "\n43\n", 1)
    case("size-altered", "bad_signature", "the size changed after signing", altered)
    case("other-key", "no_signature", "signed by another key under the vault's name", sign(ok, VAULT, OTHER_KEY))
    big = checkpoint_body(VAULT, 42, root, ("x" * 63 + "\n") * 260)
    case("oversized", "malformed", "a note above 16 KiB is refused unread", sign(big, VAULT, VAULT_KEY))


# --- RFC 6962 trees and consistency proofs -----------------------------------------------------------

def leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node(mth(leaves[:k]), mth(leaves[k:]))


def subproof(m, leaves, complete):
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def proof_text(old_size, hashes, new_note):
    return f"old {old_size}\n" + "".join(B64(h) + "\n" for h in hashes) + "\n" + new_note


def consistency_proofs():
    log = [leaf(f"event {i}".encode()) for i in range(12)]
    key = verifier_key(VAULT, VAULT_KEY)

    def note(size, leaves=log, origin=VAULT, signer=VAULT_KEY):
        return sign(checkpoint_body(origin, size, mth(leaves[:size])), origin, signer)

    def case(name, expect, comment, old, new, body):
        write("consistency-proof", name, {
            "expect": expect, "comment": comment, "key": key,
            "old-note": B64(old.encode()), "new-note": B64(new.encode()),
        }, body)

    for old, new in [(3, 7), (4, 8), (1, 12), (7, 12), (5, 5)]:
        proof = subproof(old, log[:new], True) if old < new else []
        case(f"ok-{old}-{new}", "ok", f"the log grew from {old} to {new} events",
             note(old), note(new), proof_text(old, proof, note(new)))
    proof = subproof(3, log[:7], True)
    flipped = [proof[0][:-1] + bytes([proof[0][-1] ^ 1])] + proof[1:]
    case("flipped-bit", "inconsistent", "one bit of a proof hash flipped",
         note(3), note(7), proof_text(3, flipped, note(7)))
    rewritten = log[:2] + [leaf(b"event 2, rewritten")] + log[3:]
    case("rewritten-log", "inconsistent", "event 2 was rewritten after the older checkpoint",
         note(3), note(7, rewritten), proof_text(3, subproof(3, rewritten[:7], True), note(7, rewritten)))
    case("proof-from-other-size", "proof_from_other_size", "the proof starts at 2 events, the old checkpoint at 3",
         note(3), note(7), proof_text(2, subproof(2, log[:7], True), note(7)))
    case("proof-for-other-checkpoint", "proof_for_other_checkpoint", "the proof ends at size 8, not at the newer 7",
         note(3), note(7), proof_text(3, subproof(3, log[:8], True), note(8)))
    case("backwards", "backwards", "the newer checkpoint is smaller than the older one",
         note(7), note(3), proof_text(7, [], note(3)))
    case("no-old-line", "malformed_proof", "the first line is not `old <size>`",
         note(3), note(7), proof_text(3, proof, note(7)).replace("old 3\n", "3\n", 1))
    case("hash-not-base64", "malformed_proof", "a proof line is not base64",
         note(3), note(7), proof_text(3, proof, note(7)).replace(B64(proof[0]), "*" * 44, 1))
    case("too-many-hashes", "malformed_proof", "129 hashes: more than any 64-bit tree needs",
         note(3), note(7), proof_text(3, [proof[0]] * 129, note(7)))
    other = "example.org/log"
    case("other-log", "other_log", "both checkpoints are of another log than a vault's",
         note(3, origin=other), note(7, origin=other), proof_text(3, proof, note(7, origin=other)))
    case("old-by-other-key", "no_signature", "the older checkpoint is signed by another key",
         note(3, signer=OTHER_KEY), note(7), proof_text(3, proof, note(7)))


# --- custody events (RFC 8785 canonical JSON, RFC 6962 leaf hash) ------------------------------------

def jcs(value):
    """RFC 8785 for the values events hold: objects, arrays, strings, integers, booleans, null."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(jcs(k) + ":" + jcs(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        assert abs(value) <= 2**53, "beyond IEEE 754 exactness"
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(type(value))


def custody_events():
    prev = "0" * 64
    events = {
        "genesis": ("the first event of a vault", {
            "seq": 1, "time": "2026-01-05T09:30:00Z", "actor": "amina", "device": "a1b2c3d4e5f60718",
            "action": "vault.created", "subject": None, "details": {"format": 1},
        }),
        "item-added": ("an item with its hash and size", {
            "seq": 2, "time": "2026-01-05T09:31:12.250Z", "actor": "amina", "device": "a1b2c3d4e5f60718",
            "action": "item.added", "subject": "0192f7c1-8a3e-7b2c-9d4e-5f6a7b8c9d0e",
            "details": {"sha256": hashlib.sha256(b"photo").hexdigest(), "size": 4718592, "name": "IMG_0042.jpg"},
        }),
        "unicode": ("names in Arabic and Ukrainian, an emoji, keys sorted by UTF-16 code units", {
            "seq": 3, "time": "2026-01-06T14:00:00Z", "actor": "\u0623\u0645\u064a\u0646\u0629",
            "device": "a1b2c3d4e5f60718", "action": "person.added", "subject": "p-1",
            "details": {"z": 1, "\u00e9": 2, "\U0001f600": 3, "\uff5a": 4, "name": "\u0411\u043e\u0433\u0434\u0430\u043d"},
        }),
        "escapes": ("quotes, backslashes and control characters are escaped as RFC 8785 says", {
            "seq": 4, "time": "2026-01-06T14:01:00Z", "actor": "a \"quoted\" name", "device": "a1b2c3d4e5f60718",
            "action": "item.described", "subject": "x",
            "details": {"text": "line\nbreak\ttab\\slash\u0007bell\u007fdel\u2028sep"},
        }),
        "nested": ("nested objects and arrays, negative and large integers, booleans", {
            "seq": 5, "time": "2026-01-07T08:00:00Z", "actor": "amina", "device": "a1b2c3d4e5f60718",
            "action": "bundle.exported", "subject": None,
            "details": {"items": [3, 1, 2], "recipients": [{"kind": "age", "b": True}, {"a": None}],
                        "offset": -17, "bytes": 9007199254740992},
        }),
    }
    for name, (comment, event) in events.items():
        canonical = jcs({"v": 1, "seq": event["seq"], "time": event["time"], "actor": event["actor"],
                         "device": event["device"], "action": event["action"], "subject": event["subject"],
                         "details": event["details"], "prev": prev})
        digest = leaf(canonical.encode()).hex()
        write("custody-event", name, {
            "expect": "ok", "comment": comment, "prev": prev, "canonical": canonical, "hash": digest,
        }, json.dumps(event, ensure_ascii=False, indent=2) + "\n")
        prev = digest


# --- keyslots.json (Argon2id, XChaCha20-Poly1305, HKDF) ----------------------------------------------

def hchacha20(key, nonce16):
    """HChaCha20 (draft-irtf-cfrg-xchacha), the subkey step of XChaCha20."""
    mask = 0xFFFFFFFF
    state = list(struct.unpack("<4I", b"expand 32-byte k")) + list(struct.unpack("<8I", key)) + list(
        struct.unpack("<4I", nonce16))

    def rotl(v, n):
        return ((v << n) & mask) | (v >> (32 - n))

    def quarter(a, b, c, d):
        state[a] = (state[a] + state[b]) & mask; state[d] = rotl(state[d] ^ state[a], 16)
        state[c] = (state[c] + state[d]) & mask; state[b] = rotl(state[b] ^ state[c], 12)
        state[a] = (state[a] + state[b]) & mask; state[d] = rotl(state[d] ^ state[a], 8)
        state[c] = (state[c] + state[d]) & mask; state[b] = rotl(state[b] ^ state[c], 7)

    for _ in range(10):
        quarter(0, 4, 8, 12); quarter(1, 5, 9, 13); quarter(2, 6, 10, 14); quarter(3, 7, 11, 15)
        quarter(0, 5, 10, 15); quarter(1, 6, 11, 12); quarter(2, 7, 8, 13); quarter(3, 4, 9, 14)
    return struct.pack("<8I", *(state[0:4] + state[12:16]))


def xchacha_open(key, nonce, sealed, aad):
    subkey = hchacha20(key, nonce[:16])
    return ChaCha20Poly1305(subkey).decrypt(b"\0" * 4 + nonce[16:], sealed, aad)


def database_key(file, passphrase):
    """The vault database's key: the master key unwrapped from the passphrase slot, then HKDF."""
    secret = unicodedata.normalize("NFC", passphrase).encode()
    for slot in file["slots"]:
        if slot["kind"] != "passphrase":
            continue
        kdf = slot["kdf"]
        kek = Argon2id(salt=base64.b64decode(kdf["salt"]), length=32, iterations=kdf["iterations"],
                       lanes=kdf["parallelism"], memory_cost=kdf["memory_kib"]).derive(secret)
        aad = f"custodia-keyslot-v1\0{file['vault_id']}\0{slot['id']}\0passphrase".encode()
        master = xchacha_open(kek, base64.b64decode(slot["nonce"]), base64.b64decode(slot["wrapped_key"]), aad)
        subkey = HKDF(algorithm=hashes.SHA256(), length=32, salt=file["vault_id"].encode(),
                      info=b"custodia/v1/database").derive(master)
        return slot["id"], subkey.hex()
    raise ValueError("no passphrase slot")


def keyslots():
    inputs = OUT / "keyslots" / "inputs"
    vaults = {}
    for name in ("latin", "accented"):
        text = (inputs / f"{name}.json").read_text()
        secrets = json.loads((inputs / f"{name}.secrets.json").read_text())
        vaults[name] = (text, json.loads(text), secrets)

    def case(name, expect, comment, body, **headers):
        write("keyslots", name, {"expect": expect, "comment": comment, **headers}, body)

    for name, (text, file, secrets) in vaults.items():
        slot, key = database_key(file, secrets["passphrase"])
        recovery = next(s["id"] for s in file["slots"] if s["kind"] == "recovery_x25519")
        opened = {"vault-id": file["vault_id"], "database-key": key}
        case(f"{name}-passphrase", "ok", "a vault's file opened with its passphrase", text,
             passphrase=secrets["passphrase"], slot=slot, **opened)
        case(f"{name}-recovery-key", "ok", "the same file opened with its recovery key: the same master key",
             text, **{"recovery-key": secrets["recovery_key"]}, slot=recovery, **opened)
    text, file, secrets = vaults["accented"]
    nfd = unicodedata.normalize("NFD", secrets["passphrase"])
    assert nfd != secrets["passphrase"]
    slot, key = database_key(file, nfd)
    case("accented-nfd-passphrase", "ok", "the passphrase typed in decomposed form (NFD) opens the NFC slot",
         text, passphrase=nfd, slot=slot, **{"vault-id": file["vault_id"], "database-key": key})

    text, file, secrets = vaults["latin"]
    other_recovery = vaults["accented"][2]["recovery_key"]

    def changed(edit):
        copy = json.loads(text)
        edit(copy)
        return json.dumps(copy, indent=2) + "\n"

    def first_passphrase(f):
        return next(s for s in f["slots"] if s["kind"] == "passphrase")

    wrong = {"passphrase": "correct horse battery stable"}
    case("wrong-passphrase", "wrong_passphrase", "one letter of the passphrase differs", text, **wrong)
    case("wrong-recovery-key", "wrong_recovery_key", "another vault's recovery key", text,
         **{"recovery-key": other_recovery})
    right = {"passphrase": secrets["passphrase"]}
    case("moved-to-other-vault", "wrong_passphrase", "the slots copied under another vault id do not open",
         changed(lambda f: f.update(vault_id="0" * 32)), **right)
    case("slot-id-changed", "wrong_passphrase", "a slot relabelled with another id does not open",
         changed(lambda f: first_passphrase(f).update(id="0123456789abcdef")), **right)
    case("kdf-above-cap", "keyslots_damaged", "4 GiB of Argon2id memory: the file is refused before any work",
         changed(lambda f: first_passphrase(f)["kdf"].update(memory_kib=4 * 1024 * 1024)), **right)
    case("kdf-below-floor", "keyslots_damaged", "8 MiB of Argon2id memory is below the floor",
         changed(lambda f: first_passphrase(f)["kdf"].update(memory_kib=8 * 1024)), **right)
    case("kdf-other-algorithm", "keyslots_damaged", "scrypt is not a key derivation this format knows",
         changed(lambda f: first_passphrase(f)["kdf"].update(algorithm="scrypt")), **right)
    case("version-3", "key_error", "a format version from the future is refused, not guessed",
         changed(lambda f: f.update(version=3)), **right)
    case("other-format", "keyslots_damaged", "another file's format name",
         changed(lambda f: f.update(format="custodia-settings")), **right)
    case("no-slots", "keyslots_damaged", "a file with no slot", changed(lambda f: f.update(slots=[])), **right)
    case("truncated", "keyslots_damaged", "the file cut in the middle", text[: len(text) // 2], **right)
    case("oversized", "keyslots_damaged", "a file above 64 KiB is refused unread",
         changed(lambda f: f.update(padding="x" * 65536)), **right)
    case("nonce-short", "keyslots_damaged", "a nonce of 12 bytes, not XChaCha20's 24",
         changed(lambda f: first_passphrase(f).update(nonce=B64(b"\0" * 12))), **right)


signed_notes()
checkpoints()
consistency_proofs()
custody_events()
keyslots()
