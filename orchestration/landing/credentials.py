"""Credentials of the production sources: the environment, or AWS Secrets Manager.

With PST_SECRETS_ARN set, the secret (a JSON object) is read once per run:
  {"google_service_account": {...service account key...} | "<the key as JSON text>",
   "supplybuy_api_token": "..."}
Keys missing from the secret fall back to the environment
(GOOGLE_APPLICATION_CREDENTIALS = path of the key file, SUPPLYBUY_API_TOKEN).
Nothing read here is ever logged.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from dagster import ConfigurableResource
from dagster_aws.secretsmanager import SecretsManagerResource

from orchestration import settings


class CredentialsError(RuntimeError):
    """A credential the configured source form needs is not available."""


class SourceCredentials(ConfigurableResource):
    secrets_manager: SecretsManagerResource
    secrets_arn: str = ""  # empty = PST_SECRETS_ARN

    @cached_property
    def _secret(self) -> dict:
        arn = self.secrets_arn or settings.secrets_arn()
        if not arn:
            return {}
        response = self.secrets_manager.get_client().get_secret_value(SecretId=arn)
        try:
            value = json.loads(response["SecretString"])
        except (KeyError, json.JSONDecodeError) as error:
            raise CredentialsError(
                f"the secret PST_SECRETS_ARN names is not a JSON object ({type(error).__name__})"
            ) from None
        if not isinstance(value, dict):
            raise CredentialsError("the secret PST_SECRETS_ARN names is not a JSON object")
        return value

    def google_service_account_info(self) -> dict:
        key = self._secret.get("google_service_account")
        if isinstance(key, str):
            key = json.loads(key)
        if isinstance(key, dict):
            return key
        path = settings.google_credentials_file()
        if not path:
            raise CredentialsError(
                "Google Sheets is configured (GOOGLE_SHEETS_SPREADSHEET_ID) but there is no "
                "service account key: set GOOGLE_APPLICATION_CREDENTIALS to the key file, or put "
                "'google_service_account' in the secret PST_SECRETS_ARN names")
        try:
            return json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise CredentialsError(
                f"GOOGLE_APPLICATION_CREDENTIALS={path}: cannot read a JSON key file "
                f"({type(error).__name__})") from None

    def supplybuy_token(self) -> str:
        token = self._secret.get("supplybuy_api_token") or settings.supplybuy_token()
        if not token:
            raise CredentialsError(
                "Supplybuy is configured (SUPPLYBUY_BASE_URL) but there is no token: set "
                "SUPPLYBUY_API_TOKEN or put 'supplybuy_api_token' in the secret PST_SECRETS_ARN names")
        return token
