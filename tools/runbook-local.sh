#!/usr/bin/env bash
# Runs the commands of docs/operations.md (steps 4-11) against the local cloud, as far as
# they can run there: the orchestrator must be installed and served (`./kotta demo --keep`
# in another terminal), and `aws` and `awscurl` on PATH (e.g. `pip install awscli awscurl`
# into a virtualenv of your own). The API's local URL replaces the ApiUrl output. The local
# cloud's port is KOTTA_LOCAL_PORT (default 4566), as for ./kotta.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"; cd "$WORK"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:${KOTTA_LOCAL_PORT:-4566}"
api() { awscurl --service execute-api --region "$AWS_REGION" "$@"; }
# await_final ID: GET /deployments/ID until the deployment is SUCCEEDED or FAILED (at most 5 min)
await_final() {
  local deadline=$((SECONDS + 300)) status
  while ((SECONDS < deadline)); do
    status=$(api "$API/deployments/$1" | python3 -c "import json,sys;print(json.load(sys.stdin).get('status',''))")
    case "$status" in SUCCEEDED|FAILED) echo "deployment $1: $status"; return 0 ;; esac
    sleep 1
  done
  echo "deployment $1 still not final after 300 s" >&2; return 1
}
# await_upload_redeploy STACK: the id of the deployment an upload under code/ started, once it is final
await_upload_redeploy() {
  local deadline=$((SECONDS + 300)) id
  while ((SECONDS < deadline)); do
    id=$(api "$API/deployments?stackName=$1" | python3 -c "
import json,sys
print(next((x['deploymentId'] for x in json.load(sys.stdin)['items'] if x['trigger']=='code-upload'), ''))")
    if [[ -n "$id" ]]; then await_final "$id"; return; fi
    sleep 1
  done
  echo "no redeploy of $1 started within 300 s of the upload" >&2; return 1
}
echo "== step 4: secret"
LWA_SECRET="ops-run-secret-$RANDOM"
SECRET_ARN=$(aws secretsmanager create-secret --name kotta/lwa-client-secret-ops-$RANDOM --secret-string "$LWA_SECRET" --query ARN --output text)
unset LWA_SECRET; echo "$SECRET_ARN"
echo "== step 5: certificate"
CERT_ARN=$(aws acm request-certificate --domain-name kotta.example.org --validation-method DNS --query CertificateArn --output text); echo "$CERT_ARN"
echo "== step 7: deploy through the API"
API_ID=$(aws cloudformation describe-stacks --stack-name kotta-deployer --query "Stacks[0].Outputs[?OutputKey=='ApiId'].OutputValue" --output text)
API_URL=$(aws cloudformation describe-stacks --stack-name kotta-deployer --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text)
API="$AWS_ENDPOINT_URL/_aws/execute-api/$API_ID/${API_URL##*/}"   # the local cloud's form of the ApiUrl output
S=ops$RANDOM
python3 - "$CERT_ARN" "$SECRET_ARN" "$S" "$ROOT/examples/deploy-request.json" > my-request.json <<'PY'
import json,sys
d=json.load(open(sys.argv[4]))
d['certificateArn'],d['oauthClientSecretArn']=sys.argv[1],sys.argv[2]
d['stackName']='kotta-'+sys.argv[3]; d['jobsBucketName']='kotta-jobs-'+sys.argv[3]; d['domainName']='kotta.example.org'
print(json.dumps(d))
PY
api -X POST -H 'Content-Type: application/json' -d @my-request.json "$API/deployments" | tee post.json; echo
DEP=$(python3 -c "import json;print(json.load(open('post.json'))['deploymentId'])")
await_final "$DEP"
api "$API/deployments/$DEP" | python3 -c "import json,sys;d=json.load(sys.stdin);print(d['status'], d.get('releaseKey'), d['execution'])"
BUCKET=kotta-jobs-$S
echo "== step 8: redeploy by upload"
mkdir -p cloud-kotta-web && echo '<h1>ops run</h1>' > cloud-kotta-web/index.html && printf '#!/bin/sh\nexec python3 -m http.server 8888\n' > cloud-kotta-web/kotta-start && chmod +x cloud-kotta-web/kotta-start
tar czf kotta-web.tar.gz -C cloud-kotta-web .
aws s3 cp kotta-web.tar.gz s3://$BUCKET/code/kotta-web-$(date +%Y%m%d%H%M).tar.gz
await_upload_redeploy "kotta-$S"
api "$API/deployments?stackName=kotta-$S" | python3 -c "import json,sys;d=json.load(sys.stdin);[print(x['deploymentId'],x['trigger'],x['status'],x.get('codeVersion')) for x in d['items']]"
echo "== step 9: retry (same request again)"
api -X POST -H 'Content-Type: application/json' -d @my-request.json "$API/deployments" > retry.json; cat retry.json; echo
RETRY=$(python3 -c "import json;print(json.load(open('retry.json')).get('deploymentId',''))")
if [[ -n "$RETRY" ]]; then await_final "$RETRY"; fi
echo "== step 10: roll back to the first release"
FIRST_RELEASE=$(api "$API/deployments/$DEP" | python3 -c "import json,sys;print(json.load(sys.stdin)['releaseKey'])")
python3 -c "import json;d=json.load(open('my-request.json'));d['codeSource']='s3://$BUCKET/$FIRST_RELEASE';print(json.dumps(d))" > rollback.json
api -X POST -H 'Content-Type: application/json' -d @rollback.json "$API/deployments" > rb.json; cat rb.json; echo
RB=$(python3 -c "import json;print(json.load(open('rb.json'))['deploymentId'])")
await_final "$RB"
api "$API/deployments/$RB" | python3 -c "import json,sys;d=json.load(sys.stdin);print(d['status'], d['release']['source'])"
echo "== step 11: tear down"
ROLE=$(aws cloudformation describe-stack-resources --stack-name kotta-deployer --logical-resource-id KottaStacksRole --query "StackResources[0].PhysicalResourceId" --output text)
ROLE_ARN=$(aws iam get-role --role-name "$ROLE" --query Role.Arn --output text 2>/dev/null || echo "$ROLE")
aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name kotta-$S
aws cloudformation delete-stack --stack-name kotta-$S --role-arn "$ROLE_ARN"
aws cloudformation wait stack-delete-complete --stack-name kotta-$S
aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name kotta-$S-base
aws cloudformation delete-stack --stack-name kotta-$S-base --role-arn "$ROLE_ARN"
aws cloudformation wait stack-delete-complete --stack-name kotta-$S-base
echo "the JobsBucket is retained, with every release:"
aws s3 ls s3://$BUCKET/releases/
echo done
