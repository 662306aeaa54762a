/** Events states handle, and the events deadlines send, are declared in `events`. */
import type { DocumentCheck } from '../check.js';
import { quote } from '../json.js';

/** Every `on` key and every `meta.deadline.event` names an event the document declares. */
export const knownEvents: DocumentCheck = {
  name: 'known-events',
  description: 'Every event a state handles (on) and every event a deadline sends is declared in events.',
  phase: 'shape',
  run: ({ report }) => ({
    deadline({ deadline, at, events }) {
      if (typeof deadline.event !== 'string' || !(deadline.event in events)) report(`${at}.event`, 'must name an event declared in events');
    },
    on({ event, at, events }) {
      if (!(event in events)) report(at, `${quote(event)} is not declared in events`);
    },
  }),
};
