import { randomBytes } from 'node:crypto';
import type { Place } from './batches.js';
import type { UploadView } from './results.js';

export type TicketStatus = Exclude<Place, { state: 'done' }> | { state: 'done'; view: UploadView } | { state: 'unknown' };

interface Ticket {
  place: () => Place;
  view: UploadView | null;
}

/**
 * The uploads the server has taken and not yet answered for: an upload is answered at once with
 * its ticket (so the browser's few connections are not held while builds run), and the page asks
 * for the state of its tickets until each has its result. Results are kept for the last `kept`
 * finished uploads; a page that asks later than that hears `unknown`.
 */
export function ticketBook(kept = 2000) {
  const tickets = new Map<string, Ticket>();
  const finished: string[] = [];
  return {
    open(place: () => Place, result: Promise<UploadView>): string {
      const id = randomBytes(12).toString('base64url');
      const ticket: Ticket = { place, view: null };
      tickets.set(id, ticket);
      void result.then((view) => {
        ticket.view = view;
        finished.push(id);
        while (finished.length > kept) tickets.delete(finished.shift() ?? '');
      });
      return id;
    },
    status(id: string): TicketStatus {
      const ticket = tickets.get(id);
      if (!ticket) return { state: 'unknown' };
      if (ticket.view) return { state: 'done', view: ticket.view };
      const place = ticket.place();
      // Built, and its view a microtask away: still building, as far as the page is concerned.
      return place.state === 'done' ? { state: 'building', batch: 1 } : place;
    },
  };
}
