"""The S3 raw archive and the Secrets Manager credentials against a real moto server
on 127.0.0.1 (boto3 and dagster-aws doing real HTTP)."""

from __future__ import annotations

import json
import socket
from datetime import date, datetime, timezone

import boto3
import pytest
from dagster_aws.s3 import S3Resource
from dagster_aws.secretsmanager import SecretsManagerResource
from moto.server import ThreadedMotoServer

from orchestration.landing.credentials import CredentialsError, SourceCredentials
from orchestration.landing.raw_archive import RawArchiveResource
from tests.integration.conftest import environment

LOADED_AT = datetime(2026, 11, 23, 11, 5, 7, 123456, tzinfo=timezone.utc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    fake_aws = dict(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_REGION="us-east-1",
                    AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing",
                    AWS_SECRET_ACCESS_KEY="testing")
    with environment(**fake_aws):
        yield f"http://127.0.0.1:{port}"
    server.stop()


def test_payloads_go_to_the_bucket_under_source_and_run_date(moto_endpoint):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="pst-raw")
    with environment(PST_RAW_BUCKET="pst-raw"):
        archive = RawArchiveResource(s3=S3Resource())
        writer = archive.writer("supplybuy_forecasts", date(2026, 11, 23), LOADED_AT)
        uri = writer.put("2026-11-24/page-0000.json", b'{"data": []}')
        assert archive.location() == "s3://pst-raw"

    key = "supplybuy_forecasts/2026-11-23/20261123T110507123456Z/2026-11-24/page-0000.json"
    assert uri == f"s3://pst-raw/{key}"
    body = s3.get_object(Bucket="pst-raw", Key=key)["Body"].read()
    assert body == b'{"data": []}'
    assert writer.written == 1


def test_two_loads_of_one_run_date_never_overwrite_each_other(moto_endpoint):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="pst-raw-2")
    archive = RawArchiveResource(s3=S3Resource(), bucket="pst-raw-2")
    first = archive.writer("sheets_items", date(2026, 11, 23), LOADED_AT)
    second = archive.writer("sheets_items", date(2026, 11, 23),
                            LOADED_AT.replace(microsecond=999999))
    first.put("values.json", b"first")
    second.put("values.json", b"second")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="pst-raw-2")["Contents"])
    assert len(keys) == 2
    assert [s3.get_object(Bucket="pst-raw-2", Key=k)["Body"].read() for k in keys] == \
        [b"first", b"second"]


def test_without_a_bucket_payloads_go_to_a_local_folder(tmp_path):
    with environment(PST_HOME=str(tmp_path), PST_RAW_BUCKET=None):
        archive = RawArchiveResource(s3=S3Resource())
        uri = archive.writer("sheets_staffing", date(2026, 11, 23), LOADED_AT).put(
            "values.json", b'{"values": [["a"]]}')
    path = tmp_path / "raw_archive/sheets_staffing/2026-11-23/20261123T110507123456Z/values.json"
    assert path.read_bytes() == b'{"values": [["a"]]}'
    assert uri == path.as_uri()


def _secret(name: str, value: dict | str) -> str:
    client = boto3.client("secretsmanager")
    text = value if isinstance(value, str) else json.dumps(value)
    return client.create_secret(Name=name, SecretString=text)["ARN"]


def test_credentials_come_from_the_secret(moto_endpoint, tmp_path):
    key = {"type": "service_account", "client_email": "pst@example.iam.gserviceaccount.com"}
    arn = _secret("pst/sources", {"google_service_account": key, "supplybuy_api_token": "s3cr3t"})
    with environment(PST_SECRETS_ARN=arn, SUPPLYBUY_API_TOKEN="from-env",
                     GOOGLE_APPLICATION_CREDENTIALS=None):
        credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
        assert credentials.supplybuy_token() == "s3cr3t"
        assert credentials.google_service_account_info() == key


def test_a_key_stored_as_text_and_missing_keys_fall_back_to_the_environment(moto_endpoint,
                                                                            tmp_path):
    key = {"type": "service_account", "client_email": "x@example.iam.gserviceaccount.com"}
    arn = _secret("pst/only-google", {"google_service_account": json.dumps(key)})
    with environment(PST_SECRETS_ARN=arn, SUPPLYBUY_API_TOKEN="from-env"):
        credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
        assert credentials.google_service_account_info() == key
        assert credentials.supplybuy_token() == "from-env"


def test_without_a_secret_the_key_file_and_token_come_from_the_environment(tmp_path):
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"type": "service_account"}))
    with environment(PST_SECRETS_ARN=None, GOOGLE_APPLICATION_CREDENTIALS=str(key_file),
                     SUPPLYBUY_API_TOKEN="tok"):
        credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
        assert credentials.google_service_account_info() == {"type": "service_account"}
        assert credentials.supplybuy_token() == "tok"


def test_missing_credentials_say_what_to_set(tmp_path):
    with environment(PST_SECRETS_ARN=None, GOOGLE_APPLICATION_CREDENTIALS=None,
                     SUPPLYBUY_API_TOKEN=None):
        credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
        with pytest.raises(CredentialsError, match="SUPPLYBUY_API_TOKEN"):
            credentials.supplybuy_token()
        with pytest.raises(CredentialsError, match="GOOGLE_APPLICATION_CREDENTIALS"):
            credentials.google_service_account_info()


def test_a_secret_that_is_not_json_fails_without_showing_it(moto_endpoint):
    arn = _secret("pst/garbage", "token-in-plain-text")
    with environment(PST_SECRETS_ARN=arn):
        credentials = SourceCredentials(secrets_manager=SecretsManagerResource())
        with pytest.raises(CredentialsError) as raised:
            credentials.supplybuy_token()
    assert "token-in-plain-text" not in str(raised.value)
