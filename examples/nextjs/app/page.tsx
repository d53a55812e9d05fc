import { SummaryForm } from './summary-form';

export default function Page() {
  return (
    <main>
      <h1>Summarise with zenrouter</h1>
      <SummaryForm />
    </main>
  );
}
