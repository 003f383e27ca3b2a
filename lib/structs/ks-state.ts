/**
 * KSSTATE by name: a pin's (and its clock's) streaming state. The values are
 * KSSTATE_STOP 0, ACQUIRE 1, PAUSE 2, RUN 3 (ks.h); a pin moves through each
 * state in order, up and back down.
 */
export type PinState = 'stop' | 'acquire' | 'pause' | 'run';

/** The states in KSSTATE value order: `PIN_STATES[KSSTATE_PAUSE] === 'pause'`. */
export const PIN_STATES: readonly PinState[] = ['stop', 'acquire', 'pause', 'run'];
