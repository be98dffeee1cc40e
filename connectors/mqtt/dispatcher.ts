import type { IPublishPacket, MqttClient } from 'mqtt';

/**
 * One consumer of incoming messages on a client: a topic test and a delivery that calls `done`
 * with no argument once it has taken the message, or with an error to leave it unacknowledged.
 */
export interface MessageRoute {
  matches(topic: string): boolean;
  deliver(packet: IPublishPacket, done: (error?: Error) => void): void;
}

type HandleMessage = MqttClient['handleMessage'];

interface Dispatcher {
  routes: Set<MessageRoute>;
  fallback: HandleMessage;
}

const dispatchers = new WeakMap<MqttClient, Dispatcher>();

/**
 * Routes a client's incoming messages to `route` through mqtt.js's `handleMessage(packet, done)`
 * hook, which is where the acknowledgement is decided: mqtt.js sends PUBACK (QoS 1) or PUBCOMP
 * (QoS 2) only after `done()` and reads the next packet only after it, so a message is
 * acknowledged exactly when every matching route has taken it. If a route reports an error, no
 * acknowledgement is sent and the broker redelivers the message when the session resumes.
 *
 * Several routes share one client (a source and a stats reader, say); a message that matches
 * no route goes to the client's previous `handleMessage` (mqtt.js's default acknowledges).
 * Returns a function that removes the route; the hook is removed with the last route.
 */
export function addRoute(client: MqttClient, route: MessageRoute): () => void {
  let d = dispatchers.get(client);
  if (d === undefined) {
    const dispatcher: Dispatcher = { routes: new Set(), fallback: client.handleMessage };
    d = dispatcher;
    dispatchers.set(client, dispatcher);
    client.handleMessage = (packet, callback) => dispatch(client, dispatcher, packet, callback);
  }
  const dispatcher = d;
  dispatcher.routes.add(route);
  return () => {
    if (!dispatcher.routes.delete(route) || dispatcher.routes.size > 0) return;
    client.handleMessage = dispatcher.fallback;
    dispatchers.delete(client);
  };
}

function dispatch(client: MqttClient, d: Dispatcher, packet: IPublishPacket, callback: (error?: Error) => void): void {
  const topic = typeof packet.topic === 'string' ? packet.topic : String(packet.topic);
  const targets = [...d.routes].filter((r) => r.matches(topic));
  if (targets.length === 0) {
    d.fallback.call(client, packet, callback);
    return;
  }
  let pending = targets.length;
  let failure: Error | undefined;
  const done = (error?: Error): void => {
    if (error !== undefined && failure === undefined) failure = error;
    if (--pending === 0) callback(failure);
  };
  for (const route of targets) route.deliver(packet, once(done));
}

function once(fn: (error?: Error) => void): (error?: Error) => void {
  let called = false;
  return (error) => {
    if (called) return;
    called = true;
    fn(error);
  };
}
