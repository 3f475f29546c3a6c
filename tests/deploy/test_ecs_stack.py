"""The production ECS stack as code (deploy/ecs): lint the CloudFormation
template, deploy it to moto's CloudFormation (server mode, no network) and
check what it created, and validate the production dagster.yaml."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "ecs" / "pst-stack.yaml"
DAGSTER_YAML = ROOT / "deploy" / "ecs" / "dagster.yaml"

RUN_ENV = {"PST_DEPLOYMENT": "production", "PST_ERP_INVENTORY": "erp"}
SECRET_KEYS = {
    "PST_DATABASE_URL": "database_url",
    "SUPPLYBUY_API_TOKEN": "supplybuy_api_token",
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "DAGSTER_POSTGRES_PASSWORD": "dagster_postgres_password",
}


# --- lint ----------------------------------------------------------------------


def test_template_passes_cfn_lint():
    from cfnlint.api import lint_all

    matches = lint_all(TEMPLATE.read_text())
    errors = [m for m in matches if m.rule.id.startswith(("E", "W"))]
    assert not errors, "\n".join(str(m) for m in errors)


# --- deploy to moto --------------------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    """Reads the short forms (!Ref, !Sub, !GetAtt ...) as their long forms."""


def _construct(tag):
    def f(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {"Ref" if tag == "Ref" else f"Fn::{tag}": value}

    return f


for _tag in ("Ref", "Sub", "GetAtt", "Join", "Select", "Split", "If", "Equals", "GetAZs"):
    _CfnLoader.add_constructor(f"!{_tag}", _construct(_tag))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def aws(tmp_path_factory):
    from moto.server import ThreadedMotoServer

    mp = pytest.MonkeyPatch()
    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        mp.setenv(k, v)
    mp.delenv("AWS_PROFILE", raising=False)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    import boto3

    endpoint = f"http://127.0.0.1:{port}"
    yield lambda service: boto3.client(service, endpoint_url=endpoint, region_name="eu-central-1")
    server.stop()
    mp.undo()


@pytest.fixture(scope="module")
def stack(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-central-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    redshift_sg = ec2.create_security_group(GroupName="redshift", Description="rs", VpcId=vpc)["GroupId"]

    template = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)
    resources = template["Resources"]
    # moto's CloudFormation has no AWS::SecretsManager::Secret: the test creates
    # the secret through the Secrets Manager API and passes its ARN as a
    # parameter of the same logical name, so every !Ref/!Sub of it resolves.
    secret_props = resources.pop("Secret")["Properties"]
    secret_arn = aws("secretsmanager").create_secret(
        Name="pst-test/prod", SecretString=json.dumps({"dagster_postgres_password": "x"})
    )["ARN"]
    template["Parameters"]["Secret"] = {"Type": "String"}
    # moto's CloudFormation has no AWS::ServiceDiscovery::* either: Cloud Map is
    # left out, with the code-location service's registry that points at it.
    for name in ("Namespace", "CodeLocationDiscovery"):
        assert resources.pop(name)["Type"].startswith("AWS::ServiceDiscovery::")
    resources["CodeLocationService"]["Properties"].pop("ServiceRegistries")

    cfn = aws("cloudformation")
    params = {
        "ImageTag": "abc123",
        "VpcId": vpc,
        "PrivateSubnetIds": ",".join(subnets),
        "RedshiftSecurityGroupId": redshift_sg,
        "SupplybuyBaseUrl": "https://supplybuy.example",
        "GoogleSheetsSpreadsheetId": "sheet-id",
        "Secret": secret_arn,
    }
    cfn.create_stack(
        StackName="pst-test",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    deadline = time.monotonic() + 30
    while True:
        desc = cfn.describe_stacks(StackName="pst-test")["Stacks"][0]
        if not desc["StackStatus"].endswith("IN_PROGRESS") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert desc["StackStatus"] == "CREATE_COMPLETE", desc.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in desc.get("Outputs", [])}
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.list_stack_resources(StackName="pst-test")["StackResourceSummaries"]
    }
    return {"outputs": outputs, "physical": physical, "secret_arn": secret_arn, "secret_props": secret_props}


def test_secret_template_has_the_platform_keys(stack):
    gen = stack["secret_props"]["GenerateSecretString"]
    keys = set(json.loads(gen["SecretStringTemplate"])) | {gen["GenerateStringKey"]}
    assert keys == {
        "database_url",
        "supplybuy_api_token",
        "slack_bot_token",
        "google_service_account",
        "dagster_postgres_password",
    }


def test_services_exist_with_one_daemon(aws, stack):
    ecs = aws("ecs")
    cluster = stack["outputs"]["ClusterName"]
    arns = ecs.list_services(cluster=cluster)["serviceArns"]
    services = {s["serviceName"]: s for s in ecs.describe_services(cluster=cluster, services=arns)["services"]}
    assert {"user-code", "webserver", "daemon"} <= set(services)
    assert services["daemon"]["desiredCount"] == 1


def _containers(aws, stack, logical):
    td = aws("ecs").describe_task_definition(taskDefinition=stack["physical"][logical])["taskDefinition"]
    return td, td["containerDefinitions"]


def test_code_location_task_has_the_platform_environment(aws, stack):
    bucket = stack["outputs"]["RawBucketName"]
    td, (container,) = _containers(aws, stack, "CodeLocationTaskDefinition")
    env = {e["name"]: e["value"] for e in container["environment"]}
    for k, v in RUN_ENV.items():
        assert env.get(k) == v, (k, env)
    assert env["PST_RAW_BUCKET"] == bucket
    assert env["PST_COMPUTE_LOGS_BUCKET"] == bucket
    assert env["PST_SECRETS_ARN"] == stack["secret_arn"]
    assert env["PST_REDSHIFT_COPY_ROLE_ARN"] == stack["outputs"]["RedshiftCopyRoleArn"]
    for k in ("DAGSTER_POSTGRES_HOST", "DAGSTER_POSTGRES_PORT", "DAGSTER_POSTGRES_USER", "DAGSTER_POSTGRES_DB"):
        assert env.get(k), k
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets == {k: f"{stack['secret_arn']}:{key}::" for k, key in SECRET_KEYS.items()}
    assert container["image"].endswith(":abc123")


def test_webserver_and_daemon_reach_the_code_location_and_storage(aws, stack):
    for logical in ("WebserverTaskDefinition", "DaemonTaskDefinition"):
        _, (container,) = _containers(aws, stack, logical)
        command = container["command"]
        assert command[command.index("--grpc-host") + 1] == "user-code.pst.local"
        env = {e["name"]: e["value"] for e in container["environment"]}
        assert env["PST_RUN_TASK_DEFINITION"] == stack["physical"]["CodeLocationTaskDefinition"]
        assert {s["name"] for s in container["secrets"]} == {"DAGSTER_POSTGRES_PASSWORD"}


def test_iam_roles(aws, stack):
    iam = aws("iam")
    bucket = stack["outputs"]["RawBucketName"]
    task_role = stack["physical"]["TaskRole"]
    names = iam.list_role_policies(RoleName=task_role)["PolicyNames"]
    docs = [json.dumps(iam.get_role_policy(RoleName=task_role, PolicyName=n)["PolicyDocument"]) for n in names]
    assert any(bucket in d for d in docs), docs
    assert any("ecs:RunTask" in d and "iam:PassRole" in d for d in docs)
    copy_role = iam.get_role(RoleName=stack["physical"]["RedshiftCopyRole"])["Role"]
    assert copy_role["Arn"] == stack["outputs"]["RedshiftCopyRoleArn"]
    trust = json.dumps(copy_role["AssumeRolePolicyDocument"])
    assert "redshift.amazonaws.com" in trust
    exec_role = stack["physical"]["TaskExecutionRole"]
    assert iam.get_role(RoleName=exec_role)["Role"]


def test_bucket_and_secret_exist(aws, stack):
    s3 = aws("s3")
    bucket = stack["outputs"]["RawBucketName"]
    assert bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert aws("secretsmanager").describe_secret(SecretId=stack["secret_arn"])["ARN"] == stack["secret_arn"]
    assert stack["outputs"]["SecretArn"] == stack["secret_arn"]
    assert stack["outputs"]["RepositoryUri"]


# --- production dagster.yaml ---------------------------------------------------------


def test_production_dagster_yaml_is_a_valid_instance(tmp_path, monkeypatch):
    from dagster._config import validate_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster_aws.ecs import EcsRunLauncher
    from dagster_aws.s3.compute_log_manager import S3ComputeLogManager

    (tmp_path / "dagster.yaml").write_text(DAGSTER_YAML.read_text())
    for k, v in {
        "DAGSTER_POSTGRES_HOST": "db",
        "DAGSTER_POSTGRES_PORT": "5432",
        "DAGSTER_POSTGRES_USER": "dagster",
        "DAGSTER_POSTGRES_PASSWORD": "x",
        "DAGSTER_POSTGRES_DB": "dagster",
        "PST_COMPUTE_LOGS_BUCKET": "bucket",
        "PST_RUN_TASK_DEFINITION": "arn:aws:ecs:eu-central-1:1:task-definition/x:1",
        "PST_ECS_CLUSTER": "pst",
    }.items():
        monkeypatch.setenv(k, v)
    config, _ = dagster_instance_config(str(tmp_path))
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_aws.ecs", "EcsRunLauncher")
    result = validate_config(EcsRunLauncher.config_type(), launcher["config"])
    assert result.success, result.errors
    assert launcher["config"]["container_name"] == "user-code"
    logs = config["compute_logs"]
    assert logs["class"] == "S3ComputeLogManager"
    assert logs["config"]["prefix"] == "dagster-compute-logs"
    assert validate_config(S3ComputeLogManager.config_type(), logs["config"]).success
    assert config["telemetry"]["enabled"] is False
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"


def test_production_env_names_the_launcher_container():
    """The launcher's container must be the code-location task's container."""
    template = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)
    config = yaml.safe_load(DAGSTER_YAML.read_text())
    containers = template["Resources"]["CodeLocationTaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert config["run_launcher"]["config"]["container_name"] in {c["Name"] for c in containers}
    # moto's CloudFormation drops NetworkMode/RequiresCompatibilities: checked here.
    for name, res in template["Resources"].items():
        if res["Type"] == "AWS::ECS::TaskDefinition":
            assert res["Properties"]["NetworkMode"] == "awsvpc", name
            assert res["Properties"]["RequiresCompatibilities"] == ["FARGATE"], name


def test_the_image_carries_the_ecs_instance_where_the_stack_points_dagster_home():
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "deploy" / "ecs" / "pst-stack.yaml").read_text(), _Loader)
    homes = {env["Value"] for resource in template["Resources"].values()
             if resource["Type"] == "AWS::ECS::TaskDefinition"
             for container in resource["Properties"]["ContainerDefinitions"]
             for env in container.get("Environment", []) if env["Name"] == "DAGSTER_HOME"}
    assert len(homes) == 1
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert f"COPY --chown=pst:pst deploy/ecs/dagster.yaml {homes.pop()}/dagster.yaml" in dockerfile
    assert "!deploy/ecs/dagster.yaml" in (ROOT / ".dockerignore").read_text()
