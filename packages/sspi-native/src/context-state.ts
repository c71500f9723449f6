/** Life cycle shared by both context classes: one step at a time, nothing after the end. */
export type State = 'ready' | 'stepping' | 'done' | 'failed' | 'disposed';

export function stateMessage(state: State): string {
  switch (state) {
    case 'stepping':
      return 'a step is already running on this context; await it first';
    case 'done':
      return 'the handshake is already complete';
    case 'failed':
      return 'the handshake failed at an earlier step; start a new context';
    case 'disposed':
      return 'the context was disposed';
    case 'ready':
      return 'the context is ready';
  }
}
