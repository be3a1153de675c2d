// Presence: who has which pipe open, and who is editing it, across every console instance.
export { Presence, type PresenceMessage, type PresencePost } from './presence';
export { PresenceBoard, type PresenceEntry, type TabReport } from './presence-board';
export { getPresence } from './instance';
export { parsePresencePost } from './presence-post';
