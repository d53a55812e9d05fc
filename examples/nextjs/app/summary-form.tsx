'use client';

import { useActionState } from 'react';
import { summarize } from './actions';

/** The form posts to the server action; it also works before JavaScript loads (progressive enhancement). */
export function SummaryForm() {
  const [state, action, pending] = useActionState(summarize, {});
  return (
    <form action={action}>
      <textarea name="text" rows={6} cols={60} />
      <button type="submit" disabled={pending}>
        Summarise
      </button>
      {state.summary && (
        <p>
          <output id="summary">{state.summary}</output> <small id="model">({state.model})</small>
        </p>
      )}
      {state.error && <p role="alert">{state.error}</p>}
    </form>
  );
}
