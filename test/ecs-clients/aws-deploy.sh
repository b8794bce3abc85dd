#!/usr/bin/env bash
# The deploy step of an ECS pipeline, with Debian's AWS CLI (/usr/bin/aws) against berth's ECS API:
# register-task-definition (an ECS sample's JSON, its image swapped for the local one) →
# create-service → wait services-stable → register a new revision → update-service → wait again →
# describe-services, printed last for the test to read.
# Needs: ENDPOINT, CLUSTER, IMAGE, FIXTURE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_DATA_PATH
# holding short waiter delays, see ecs-api-clients.test.ts).
set -euo pipefail
ecs() { /usr/bin/aws --endpoint-url "$ENDPOINT" --region us-east-1 --output json ecs "$@"; }

# The local image, and a container that stops at once on SIGTERM (Docker's --init), as the only changes.
definition() {
  jq --arg image "$IMAGE" --arg sleep "$1" \
    '.containerDefinitions[0].image = $image | .containerDefinitions[0].command = ["sleep", $sleep]
     | .containerDefinitions[0].stopTimeout = 2 | .containerDefinitions[0].linuxParameters = {initProcessEnabled: true}' "$FIXTURE"
}

family=$(jq -r .family "$FIXTURE")
ecs register-task-definition --cli-input-json "$(definition 360)" > /dev/null
ecs create-service --cluster "$CLUSTER" --service-name web --task-definition "$family" --desired-count 1 > /dev/null
ecs wait services-stable --cluster "$CLUSTER" --services web
echo "stable on revision 1 after ${SECONDS}s" >&2

arn=$(ecs register-task-definition --cli-input-json "$(definition 361)" --query taskDefinition.taskDefinitionArn --output text)
ecs update-service --cluster "$CLUSTER" --service web --task-definition "$arn" > /dev/null
ecs wait services-stable --cluster "$CLUSTER" --services web
echo "stable on $arn after ${SECONDS}s" >&2

# The rollout is COMPLETED a moment after the count is reached (once the new task is healthy), as on
# ECS; each CLI start costs seconds, so one describe-services call per look, the last one printed.
for _ in $(seq 1 20); do
  described=$(ecs describe-services --cluster "$CLUSTER" --services web)
  [ "$(jq -r '.services[0].deployments[0].rolloutState' <<< "$described")" = COMPLETED ] && break
  sleep 1
done
echo "$described"
