// The watched cache: Hub (in memory), BucketSupervisor (NATS link and bucket lifecycle), and the
// process's one instance of each.
export { Hub, type ClientEvent, type ClientListener, type HubEvent, type HubListener, type HubLink, type HubStatus } from './hub';
export { BucketSupervisor, type SupervisorSettings } from './bucket-supervisor';
export { getHub, getSupervisor } from './instance';
