/**
 * The client container starts go through. dockerd still serves the connections a client keeps
 * alive after its shutdown has closed the listener; a start arriving then mounts the container's
 * layer and is cut off by the exit, and on a data root that is not a shared mount the next dockerd
 * hides that mount and can never remove the container. On a connection of its own such a start is
 * refused instead, and the agent starts the task on the next engine. Only starts: every other call
 * keeps the pooled connections.
 */
import { Agent } from 'node:http';
import { inspect } from 'node:util';
import Docker from 'dockerode';

/** Opens a connection for each request and closes it after the answer. */
class ConnectionPerRequestAgent extends Agent {
  constructor() {
    super({ keepAlive: false });
  }

  // docker-modem runs util.inspect (every depth, hidden properties too) over each request's
  // options, which hold the agent and so every socket it has open: far more CPU than the requests.
  [inspect.custom](): string {
    return 'ConnectionPerRequestAgent';
  }
}

/** A client on `socketPath` (dockerode's default socket when undefined) whose every request has a connection of its own. */
export function connectionPerRequestClient(socketPath: string | undefined): Docker {
  // docker-modem takes an http.Agent; @types/dockerode does not declare it.
  const options: Docker.DockerOptions & { agent: Agent } = { agent: new ConnectionPerRequestAgent() };
  return new Docker(socketPath ? { ...options, socketPath } : options);
}
