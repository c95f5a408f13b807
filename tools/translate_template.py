#!/usr/bin/env python3
"""Print template.yaml as plain CloudFormation JSON: the SAM transform applied offline.

Run with the project's virtualenv (.venv/bin/python tools/translate_template.py [--parse-only]
[--parameter Name=value ...] [template]),
which has aws-sam-translator. SAM policy templates (DynamoDBCrudPolicy, LambdaInvokePolicy,
...) come out as the IAM statements they stand for, so tests can read every role's rights.
No AWS call: the managed-policy names SAM may need are mapped from a static table, and the
region/account are placeholders (intrinsics such as !Sub stay unresolved). --parse-only prints
a template as JSON without the transform (for the plain templates under infrastructure/).
"""
import json
import os
import sys
from pathlib import Path

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

# The AWS managed policies a SAM template may name (Policies: [Name]) or SAM may attach
# (basic execution, X-Ray); without this table samtranslator would ask IAM for the list.
MANAGED_POLICIES = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    "AWSXRayDaemonWriteAccess": "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "AWSLambdaRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
    "CloudWatchLambdaInsightsExecutionRolePolicy":
        "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy",
}


class StaticManagedPolicies:
    """What samtranslator's ManagedPolicyLoader answers, without calling IAM."""

    def load(self):
        return dict(MANAGED_POLICIES)


def packaged(template, root):
    """What `sam package` would leave: S3 code locations instead of local folders, the state
    machine definition read from its file (inlined, so tests can read it too)."""
    globals_function = template.get("Globals", {}).get("Function", {})
    if isinstance(globals_function.get("CodeUri"), str) and not globals_function["CodeUri"].startswith("s3://"):
        globals_function["CodeUri"] = "s3://packaged-by-sam/" + globals_function["CodeUri"]
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function":
            code = properties.get("CodeUri")
            if isinstance(code, str) and not code.startswith("s3://"):
                properties["CodeUri"] = "s3://packaged-by-sam/" + code
        if resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(properties.get("DefinitionUri"), str):
            definition = (root / properties.pop("DefinitionUri")).read_text(encoding="utf-8")
            properties["Definition"] = json.loads(definition)
    return template


def main(argv):
    root = Path(__file__).resolve().parent.parent
    parse_only = "--parse-only" in argv
    # --parameter Name=value: a parameter value for the transform (SAM resolves some Refs to them)
    overrides = dict(a.split("=", 1) for a in argv[1:] if "=" in a and not a.startswith("-"))
    args = [a for a in argv[1:] if a not in ("--parse-only", "--parameter") and "=" not in a]
    template_path = Path(args[0]) if args else root / "template.yaml"
    parsed = yaml_parse(template_path.read_text(encoding="utf-8"))
    if parse_only:
        # a plain CloudFormation template (infrastructure/*.yaml) as JSON, short-form tags expanded
        json.dump(parsed, sys.stdout, indent=1, sort_keys=True, default=str)
        print()
        return 0
    template = packaged(parsed, template_path.parent)
    # samtranslator asks a boto3 session for the region; give it one (no call is made)
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ.pop("AWS_PROFILE", None)
    parameters = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", **overrides}
    try:
        output = transform(template, parameters, StaticManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"SAM transform: {cause.message}", file=sys.stderr)
        return 1
    json.dump(output, sys.stdout, indent=1, sort_keys=True, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
