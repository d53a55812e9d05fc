import cliProgress from 'cli-progress';
import type { EvaluationProgress } from '../eval/evaluate.js';

/**
 * The live line of `zenrouter eval` on stderr: answers done of the total, accuracy so far, spend so
 * far and the ETA (cli-progress). Without a terminal it prints a plain line every second.
 */
export class EvalProgress {
  private readonly bar: cliProgress.SingleBar;

  constructor(total: number, alreadyDone: number) {
    this.bar = new cliProgress.SingleBar(
      {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: cli-progress placeholders; `$` is the currency sign.
        format: '{bar} {value}/{total} answers | accuracy {accuracy} | spent ${spent} | ETA {eta_formatted}',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 1_000,
        etaBuffer: 50,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(total, alreadyDone), alreadyDone, { accuracy: '–', spent: '0.0000' });
  }

  update(progress: EvaluationProgress): void {
    this.bar.update(progress.done, {
      accuracy: progress.graded === 0 ? '–' : `${((100 * progress.correct) / progress.graded).toFixed(1)}%`,
      spent: progress.spentUsd.toFixed(4),
    });
  }

  stop(): void {
    this.bar.stop();
  }
}
