export declare const SERVE_EVENTS_KEY: unique symbol;
