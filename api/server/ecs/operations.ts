/** The dispatch table: ECS operation name → the function that serves it (one file per group in ops/). */
import type { Operation } from './context.js';
import { createCluster, deleteCluster, describeClusters, listClusters, updateCluster, updateClusterSettings } from './ops/clusters.js';
import {
  deleteTaskDefinitions,
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitionFamilies,
  listTaskDefinitions,
  registerTaskDefinition,
} from './ops/task-definitions.js';
import { describeTasks, listTasks, runTaskOp, startTaskOp, stopTaskOp } from './ops/tasks.js';
import { deregisterContainerInstance, describeContainerInstances, listContainerInstances, updateContainerInstancesState } from './ops/container-instances.js';
import { registerContainerInstance } from './ops/register-container-instance.js';
import { deleteAttributes, listAttributes, putAttributes } from './ops/attributes.js';
import { listTagsForResource, tagResource, untagResource } from './ops/tags.js';
import { getTaskProtection, updateTaskProtection } from './ops/task-protection.js';
import { describeServiceDeployments, listServiceDeployments } from './ops/service-deployment-list.js';
import { continueServiceDeployment, stopServiceDeployment } from './ops/service-deployments.js';
import { describeServiceRevisions } from './ops/service-revisions.js';
import { listServicesByNamespace } from './ops/services-by-namespace.js';
import { createService, deleteService, describeServices, listServices, updateService } from './ops/services.js';

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateCluster: createCluster,
  DeleteCluster: deleteCluster,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  UpdateCluster: updateCluster,
  UpdateClusterSettings: updateClusterSettings,
  RegisterTaskDefinition: registerTaskDefinition,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  DeleteTaskDefinitions: deleteTaskDefinitions,
  DescribeTaskDefinition: describeTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  ListTaskDefinitionFamilies: listTaskDefinitionFamilies,
  RunTask: runTaskOp,
  StartTask: startTaskOp,
  StopTask: stopTaskOp,
  DescribeTasks: describeTasks,
  ListTasks: listTasks,
  UpdateTaskProtection: updateTaskProtection,
  GetTaskProtection: getTaskProtection,
  CreateService: createService,
  UpdateService: updateService,
  DeleteService: deleteService,
  DescribeServices: describeServices,
  ListServices: listServices,
  ListServicesByNamespace: listServicesByNamespace,
  DescribeServiceRevisions: describeServiceRevisions,
  StopServiceDeployment: stopServiceDeployment,
  ContinueServiceDeployment: continueServiceDeployment,
  ListServiceDeployments: listServiceDeployments,
  DescribeServiceDeployments: describeServiceDeployments,
  ListContainerInstances: listContainerInstances,
  DescribeContainerInstances: describeContainerInstances,
  UpdateContainerInstancesState: updateContainerInstancesState,
  RegisterContainerInstance: registerContainerInstance,
  DeregisterContainerInstance: deregisterContainerInstance,
  PutAttributes: putAttributes,
  ListAttributes: listAttributes,
  DeleteAttributes: deleteAttributes,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
