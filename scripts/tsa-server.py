#!/usr/bin/env python3
"""A real RFC 3161 time-stamping authority for Custodia's tests: OpenSSL's `openssl ts -reply` behind a
small HTTP server on 127.0.0.1. Python 3 standard library only.

    tsa-server.py make-certs DIR
        Writes a throwaway CA and time-stamping certificates into DIR (made with `openssl req`, `openssl ca`):
        ca.pem/ca.key (the CA), tsa.pem/tsa.key (RSA, issued by the CA, valid now), ec256.pem/ec256.key and
        ec384.pem/ec384.key (ECDSA, issued by the CA), expired.pem/expired.key (issued by the CA, valid in
        2020 only), renewed.pem (the expired key's, valid now), other.pem/other.key (self-signed, unrelated
        to the CA). Each time-stamping certificate has extendedKeyUsage critical timeStamping.

    tsa-server.py serve --key KEY --cert CERT [--mode MODE] [--max-requests N] [--lifetime SECONDS] [--port P]
        Binds 127.0.0.1 on a port the OS chooses (or P, to come back where a client was turned away),
        prints the port on stdout, and answers POSTed TimeStampReqs until N requests were served or
        SECONDS passed, whichever comes first (so it never runs forever). MODE says what the reply is:
          good        the token for the request
          fraction    the token for the request, its time with milliseconds (as many authorities write it)
          ess-sha1    the token for the request, naming its certificate by SHA-1 (OpenSSL's default)
          other-hash  a token for another hash (a query over other data)
          other-nonce a token for the same hash but another nonce (a new query)
          reject      a reply with status rejection (the authority accepts only SHA-512)
          garbage     random bytes
          oversize    70 KiB of bytes, above what Custodia reads
          http-error  HTTP 500
          slow        a 200 reply whose body trickles in, a byte every 0.2 s, never finished

    tsa-server.py reply --key KEY --cert CERT [--mode MODE]
        One reply without HTTP: the TimeStampReq on stdin, the reply (as MODE says) on stdout.
"""

import argparse
import datetime
import http.server
import os
import secrets
import subprocess
import sys
import tempfile
import time

MAX_QUERY_BYTES = 16 * 1024

REQ_CONF = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ tsa_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
"""

CA_CONF = """
[ ca ]
default_ca = testca
[ testca ]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}/newcerts
serial = {dir}/ca-serial
certificate = {dir}/ca.pem
private_key = {dir}/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

TS_CONF = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {dir}/tsa-serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = {digests}
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = {ess}
clock_precision_digits = {digits}
"""


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], input=stdin, check=True, capture_output=True).stdout


def when(days):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return moment.strftime("%Y%m%d%H%M%SZ")


def new_key_args(kind):
    if kind == "rsa":
        return ["-newkey", "rsa:2048"]
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + kind]


def issue(out, name, kind, start, end):
    req_conf = os.path.join(out, "req.cnf")
    csr = os.path.join(out, name + ".csr")
    openssl("req", "-new", "-config", req_conf, *new_key_args(kind), "-nodes", "-subj", "/CN=Custodia test TSA " + name,
            "-keyout", os.path.join(out, name + ".key"), "-out", csr)
    openssl("ca", "-batch", "-notext", "-config", os.path.join(out, "ca.cnf"), "-extensions", "tsa_ext",
            "-startdate", start, "-enddate", end, "-in", csr, "-out", os.path.join(out, name + ".pem"))


def renew(out, old, name, start, end):
    """A new certificate for the key of `old` (an authority that renewed its certificate, keeping its key)."""
    csr = os.path.join(out, name + ".csr")
    openssl("req", "-new", "-config", os.path.join(out, "req.cnf"), "-key", os.path.join(out, old + ".key"),
            "-subj", "/CN=Custodia test TSA " + old, "-out", csr)
    openssl("ca", "-batch", "-notext", "-config", os.path.join(out, "ca.cnf"), "-extensions", "tsa_ext",
            "-startdate", start, "-enddate", end, "-in", csr, "-out", os.path.join(out, name + ".pem"))


def make_certs(out):
    os.makedirs(os.path.join(out, "newcerts"), exist_ok=True)
    with open(os.path.join(out, "req.cnf"), "w") as f:
        f.write(REQ_CONF)
    with open(os.path.join(out, "ca.cnf"), "w") as f:
        f.write(CA_CONF.format(dir=out))
    open(os.path.join(out, "index.txt"), "w").close()
    with open(os.path.join(out, "ca-serial"), "w") as f:
        f.write("1000\n")
    req_conf = os.path.join(out, "req.cnf")
    openssl("req", "-x509", "-config", req_conf, "-extensions", "v3_ca", "-newkey", "rsa:2048", "-nodes",
            "-subj", "/CN=Custodia test CA", "-days", "3650", "-keyout", os.path.join(out, "ca.key"),
            "-out", os.path.join(out, "ca.pem"))
    issue(out, "tsa", "rsa", when(-1), when(365))
    issue(out, "ec256", "P-256", when(-1), when(365))
    issue(out, "ec384", "P-384", when(-1), when(365))
    issue(out, "expired", "rsa", "20200101000000Z", "20201231000000Z")
    renew(out, "expired", "renewed", when(-1), when(365))
    openssl("req", "-x509", "-config", req_conf, "-extensions", "tsa_self", "-newkey", "rsa:2048", "-nodes",
            "-subj", "/CN=Custodia test TSA impostor", "-days", "365", "-keyout", os.path.join(out, "other.key"),
            "-out", os.path.join(out, "other.pem"))


def requested_hash(query_file):
    """The message imprint of a query, as openssl's own ASN.1 dump shows it."""
    dump = openssl("asn1parse", "-inform", "DER", "-in", query_file).decode()
    for line in dump.splitlines():
        if "OCTET STRING" in line and "[HEX DUMP]:" in line:
            return line.split("[HEX DUMP]:", 1)[1].strip()
    raise ValueError("no message imprint in the query")


class Authority:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        digests = "sha512" if args.mode == "reject" else "sha256, sha384, sha512"
        self.conf = os.path.join(work, "ts.cnf")
        with open(self.conf, "w") as f:
            f.write(TS_CONF.format(dir=work, digests=digests, digits=3 if args.mode == "fraction" else 0,
                                   ess="sha1" if args.mode == "ess-sha1" else "sha256"))
        with open(os.path.join(work, "tsa-serial"), "w") as f:
            f.write("01\n")

    def reply(self, query):
        mode = self.args.mode
        if mode == "garbage":
            return secrets.token_bytes(512)
        if mode == "oversize":
            return secrets.token_bytes(70 * 1024)
        query_file = os.path.join(self.work, "query.tsq")
        with open(query_file, "wb") as f:
            f.write(query)
        if mode == "other-hash":
            openssl("ts", "-query", "-data", "/dev/null", "-sha256", "-cert", "-out", query_file,
                    stdin=b"")
        elif mode == "other-nonce":
            digest = requested_hash(query_file)
            openssl("ts", "-query", "-digest", digest, "-sha256", "-cert", "-out", query_file)
        reply_file = os.path.join(self.work, "reply.tsr")
        openssl("ts", "-reply", "-config", self.conf, "-queryfile", query_file, "-inkey", self.args.key,
                "-signer", self.args.cert, "-out", reply_file)
        with open(reply_file, "rb") as f:
            return f.read()


def serve(args):
    with tempfile.TemporaryDirectory(prefix="custodia-tsa-") as work:
        authority = Authority(args, work)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.server.served += 1
                length = int(self.headers.get("Content-Length", "0"))
                if length <= 0 or length > MAX_QUERY_BYTES:
                    self.send_error(413)
                    return
                query = self.rfile.read(length)
                if args.mode == "http-error":
                    self.send_error(500)
                    return
                if args.mode == "slow":
                    self.trickle()
                    return
                try:
                    body = authority.reply(query)
                except (subprocess.CalledProcessError, ValueError) as e:
                    sys.stderr.write("tsa-server: %s\n" % e)
                    self.send_error(500)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def trickle(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", "60000")
                self.end_headers()
                deadline = time.monotonic() + args.lifetime
                try:
                    while time.monotonic() < deadline:
                        self.wfile.write(b"0")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass

            def log_message(self, format, *a):
                pass

        server = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
        server.timeout = 0.5
        print(server.server_address[1], flush=True)
        server.served = 0
        deadline = time.monotonic() + args.lifetime
        while server.served < args.max_requests and time.monotonic() < deadline:
            server.handle_request()
        server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make-certs")
    make.add_argument("dir")
    run = sub.add_parser("serve")
    run.add_argument("--key", required=True)
    run.add_argument("--cert", required=True)
    run.add_argument("--mode", default="good",
                     choices=["good", "fraction", "ess-sha1", "other-hash", "other-nonce", "reject", "garbage", "oversize", "http-error",
                              "slow"])
    run.add_argument("--max-requests", type=int, default=20)
    run.add_argument("--lifetime", type=float, default=120.0)
    run.add_argument("--port", type=int, default=0)
    once = sub.add_parser("reply")
    once.add_argument("--key", required=True)
    once.add_argument("--cert", required=True)
    once.add_argument("--mode", default="good", choices=["good", "fraction", "ess-sha1", "other-hash", "other-nonce", "reject", "garbage",
                                                        "oversize"])
    args = parser.parse_args()
    if args.command == "make-certs":
        make_certs(os.path.abspath(args.dir))
    elif args.command == "reply":
        with tempfile.TemporaryDirectory(prefix="custodia-tsa-") as work:
            sys.stdout.buffer.write(Authority(args, work).reply(sys.stdin.buffer.read(MAX_QUERY_BYTES)))
    else:
        serve(args)


if __name__ == "__main__":
    main()
