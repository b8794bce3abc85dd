"""The same deploy step with Debian's python3-boto3: register, create, wait, update, wait, describe."""
import json
import os
import sys

import boto3

ecs = boto3.client("ecs", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
cluster, waiter = os.environ["CLUSTER"], {"Delay": 1, "MaxAttempts": 60}
with open(os.environ["FIXTURE"]) as f:
    definition = json.load(f)
container = definition["containerDefinitions"][0]
container.update(image=os.environ["IMAGE"], stopTimeout=2, linuxParameters={"initProcessEnabled": True})

ecs.register_task_definition(**definition)
ecs.create_service(cluster=cluster, serviceName="api", taskDefinition=definition["family"], desiredCount=1)
ecs.get_waiter("services_stable").wait(cluster=cluster, services=["api"], WaiterConfig=waiter)
container["command"] = ["sleep", "362"]
arn = ecs.register_task_definition(**definition)["taskDefinition"]["taskDefinitionArn"]
ecs.update_service(cluster=cluster, service="api", taskDefinition=arn)
ecs.get_waiter("services_stable").wait(cluster=cluster, services=["api"], WaiterConfig=waiter)
service = ecs.describe_services(cluster=cluster, services=["api"])["services"][0]
json.dump({"taskDefinition": service["taskDefinition"], "deployments": len(service["deployments"]), "runningCount": service["runningCount"], "wanted": arn}, sys.stdout)
