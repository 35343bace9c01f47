"""A local S3-compatible server for the deploy tests: moto's S3, behind a
strict check of every request's signature.

    python3 s3_server.py BUCKET...

Starts on 127.0.0.1 (a free port), creates the buckets named on the
command line, prints one line of JSON (endpoint, access key, secret key)
and serves until its standard input closes, so that it never outlives the
test that started it.

moto implements the S3 API (listings, objects with their headers, batch
deletes); its own signature check mis-reads percent-encoded keys and
queries, so requests are checked here instead, as AWS documents Signature
Version 4: an unknown key is refused with InvalidAccessKeyId, a wrong
secret with SignatureDoesNotMatch.

A few unsigned test-only addresses steer the server:
    POST /__test/faults?every=N   answer every Nth S3 request with 503 SlowDown
    POST /__test/delay?ms=N       wait N ms before each PUT
    GET  /__test/stats            {"requests": …, "puts": …, "bytes": …}
"""

import hashlib
import hmac
import io
import json
import logging
import sys
import threading
import time
import urllib.parse

import boto3
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

ACCESS_KEY = "AKIADIGESTTEST000001"
SECRET_KEY = "digest/test+secret/key"


class Checked:
    """WSGI middleware: verifies signatures, counts requests, injects faults."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "puts": 0, "bytes": 0}
        self.fault_every = 0
        self.delay_ms = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/__test/"):
            return self.control(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        with self.lock:
            self.stats["requests"] += 1
            self.stats["bytes"] += len(body)
            if environ["REQUEST_METHOD"] == "PUT":
                self.stats["puts"] += 1
            count = self.stats["requests"]
        refused = self.refusal(environ, body)
        if refused:
            return error(start_response, "403 Forbidden", refused)
        if self.fault_every and count % self.fault_every == 0:
            return error(start_response, "503 Slow Down", "SlowDown")
        if self.delay_ms and environ["REQUEST_METHOD"] == "PUT":
            time.sleep(self.delay_ms / 1000)
        return self.app(environ, start_response)

    def control(self, environ, start_response):
        query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
        path = environ["PATH_INFO"]
        if path == "/__test/faults":
            self.fault_every = int(query.get("every", 0))
        elif path == "/__test/delay":
            self.delay_ms = int(query.get("ms", 0))
        with self.lock:
            text = json.dumps(self.stats).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [text]

    def refusal(self, environ, body):
        """The S3 error code that refuses this request, or None."""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return "AccessDenied"
        fields = dict(
            part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(",")
        )
        key, date, region, service, _ = fields["Credential"].split("/")
        if key != ACCESS_KEY:
            return "InvalidAccessKeyId"
        signed = fields["SignedHeaders"].split(";")
        payload = header(environ, "x-amz-content-sha256")
        if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
            return "XAmzContentSHA256Mismatch"
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        raw_path, _, raw_query = raw.partition("?")
        pairs = sorted(
            (p.split("=", 1) + [""])[:2] for p in raw_query.split("&") if p
        )
        canonical = "\n".join(
            [
                environ["REQUEST_METHOD"],
                raw_path,
                "&".join(f"{k}={v}" for k, v in pairs),
                "".join(f"{h}:{' '.join(header(environ, h).split())}\n" for h in signed),
                fields["SignedHeaders"],
                payload,
            ]
        )
        scope = f"{date}/{region}/{service}/aws4_request"
        to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                header(environ, "x-amz-date"),
                scope,
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        signing = ("AWS4" + SECRET_KEY).encode()
        for part in (date, region, service, "aws4_request"):
            signing = hmac.new(signing, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields["Signature"]):
            return "SignatureDoesNotMatch"
        return None


def header(environ, name):
    name = name.lower()
    if name == "content-type":
        return environ.get("CONTENT_TYPE", "")
    if name == "content-length":
        return environ.get("CONTENT_LENGTH", "")
    return environ.get("HTTP_" + name.upper().replace("-", "_"), "")


def error(start_response, status, code):
    start_response(status, [("Content-Type", "application/xml")])
    text = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{code}</Message></Error>'
    return [text.encode()]


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = Checked(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    for bucket in sys.argv[1:]:
        s3.create_bucket(Bucket=bucket)
    print(
        json.dumps({"endpoint": endpoint, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}),
        flush=True,
    )
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
