"""A local S3-compatible server for the deploy tests: moto, with real
signature checks.

Starts moto's server on 127.0.0.1 (a free port), creates one IAM user whose
keys may do anything in S3 and the buckets named on the command line, then
turns authentication on: from then on every request must be signed with that
user's keys. Prints one line of JSON (endpoint, access key, secret key) and
serves until its standard input closes, so the server never outlives the
test that started it.

    python3 s3_server.py BUCKET...
"""

import json
import socket
import sys
import logging

import boto3
from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.server import ThreadedMotoServer

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    setup = dict(
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
    )
    iam = boto3.client("iam", **setup)
    iam.create_user(UserName="deployer")
    iam.put_user_policy(
        UserName="deployer", PolicyName="s3", PolicyDocument=json.dumps(POLICY)
    )
    key = iam.create_access_key(UserName="deployer")["AccessKey"]
    s3 = boto3.client("s3", **setup)
    for bucket in sys.argv[1:]:
        s3.create_bucket(Bucket=bucket)
    # No unauthenticated request from now on.
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
    print(
        json.dumps(
            {
                "endpoint": endpoint,
                "access_key": key["AccessKeyId"],
                "secret_key": key["SecretAccessKey"],
            }
        ),
        flush=True,
    )
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
