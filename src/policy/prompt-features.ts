/**
 * How hard a prompt looks, from cheap features of its text: computed once per call, before routing,
 * and read by quality models that estimate per prompt (P(good answer) = σ(a·(ability − difficulty))).
 */
export interface PromptFeatures {
  /**
   * Difficulty in logits relative to a typical prompt of its category (0): a greeting is about −5,
   * a one-line rewrite −3, a competition proof or a multi-file refactor +2 to +4.
   */
  difficulty: number;
  /** How sharply the prompt separates strong from weak models (1 for typical and easier prompts, up to 1.75). */
  discrimination: number;
  /** The cues that moved the difficulty, strongest first (`greeting`, `competition math`, `3 files`...). */
  cues: string[];
}

/** What the features are read from: the fields of a PromptAnalysis they need. */
export interface FeatureInput {
  promptText: string;
  inputTokens: number;
  requires: { reasoning: boolean };
}

/** Texts longer than this are read at both ends only: instructions sit at the start or the end. */
const SAMPLE_CHARS = 4_000;

const GREETING =
  /^\s*(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|night)|thanks|thank you|thx|cheers|ok(?:ay)?|bye|goodbye|how are you|what'?s up)\b/i;
const REWRITE =
  /\b(?:rewrite|rephrase|paraphrase|reword|translate|proofread|shorten|fix (?:the |my )?(?:grammar|spelling|typos?|punctuation)|correct (?:the |my )?(?:grammar|spelling)|make (?:it|this|the \w+) (?:more |less |sound )?(?:formal|informal|casual|polite|concise|friendly|professional|shorter|clearer))\b/i;

/**
 * The word cues, in one pattern so that a long prompt is scanned once (one group per kind):
 * 1 proofs and number theory, 2 multi-file scope, 3 hard topics, 4 asks for reasoning,
 * 5 constraints, 6 list items (each a requirement, counted half).
 */
const CUES = new RegExp(
  [
    '\\b(?:',
    '(prove|proof|show that|olympiad|imo|aime|amc ?1[02]|putnam|lemma|theorem|if and only if|find all (?:positive |real |integer |natural )?(?:integers|reals|numbers|primes|functions|pairs|triples|solutions|n|x)|for (?:all|every) (?:positive )?integers?|divisible by|modulo|relatively prime|coprime|gcd|lcm)',
    '|(multi-?file|(?:across|in|between) (?:the |several |multiple |these |all )?(?:files|modules|services|packages|repos|repositories|microservices)|codebase|monorepo|(?:whole|entire) (?:project|repository|repo|app)|migrate (?:the|this|our))',
    '|(race conditions?|deadlocks?|concurren(?:t|cy)|thread[- ]safe(?:ty)?|lock-free|distributed|consensus|compiler|type inference|memory leaks?|time complexity|dynamic programming|np-hard|formal(?:ly)? verif\\w*|cryptograph\\w*|asymptotic|rigorous(?:ly)?)',
    '|(step[- ]by[- ]step|derive|justify|trade-?offs?|analy[sz]e|critique|counter-?examples?|edge cases?|explain why|why does|implications?)',
    "|(must|without|at (?:most|least)|exactly|do not|don'?t|never|always|ensure|no more than|no less than|within|strictly)",
    ')\\b|(^[ \\t]*(?:\\d+[.)]|[-*•])[ \\t]+(?=\\S))',
  ].join(''),
  'gim',
);
const MATH_NOTATION =
  /\$[^$\n]{1,80}\$|\\(?:frac|sum|int|prod|sqrt|binom|lfloor|lceil|mathbb|cdot|equiv|pmod)|[\u2264\u2265\u2211\u222B\u221A\u221E\u2261]|\^\s*\{?\d|\b[a-z]_\{?\d/g;
/** A source file's extension; the name is read backwards from it (a pattern that starts with the name is slow). */
const FILE_EXTENSION = /\.(?:tsx?|jsx?|mjs|cjs|py|go|rs|java|kt|rb|cs|cpp|cc|hpp|swift|php|scala|sql|ya?ml|toml|vue|svelte)\b/g;
const LIMITS = [0, 6, 3, 3, 4, 8, 8];

function count(pattern: RegExp, text: string, limit: number): number {
  pattern.lastIndex = 0;
  let found = 0;
  // `test` moves a global pattern's `lastIndex` as `exec` does, without building a match.
  while (found < limit && pattern.test(text)) found += 1;
  return found;
}

/** Matches of each CUES group, capped per group. */
function countCues(text: string): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0];
  CUES.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = CUES.exec(text)) !== null) {
    for (let group = 1; group <= 6; group += 1) {
      if (match[group] !== undefined) {
        if (counts[group]! < LIMITS[group]!) counts[group]! += 1;
        break;
      }
    }
    if (match[0].length === 0) CUES.lastIndex += 1;
  }
  return counts;
}

function isNameChar(code: number): boolean {
  // letters, digits, _ - . /
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45 ||
    code === 46 ||
    code === 47
  );
}

function distinctFiles(text: string): number {
  FILE_EXTENSION.lastIndex = 0;
  const seen = new Set<string>();
  let match: RegExpExecArray | null;
  while (seen.size < 8 && (match = FILE_EXTENSION.exec(text)) !== null) {
    let start = match.index;
    while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start -= 1;
    // `x.py` needs a name before the dot; `obj.go` inside code is rare enough to count.
    if (start < match.index) seen.add(text.slice(start, match.index + match[0].length).toLowerCase());
  }
  return seen.size;
}

/** One cue and its logits, unless it weighs nothing (a module function: no closure per prompt). */
function addCue(cues: Array<[string, number]>, cue: string, logits: number): void {
  if (logits !== 0) cues.push([cue, logits]);
}

/**
 * Reads the difficulty off the last user turn. Each cue adds or takes logits; the weights are a
 * judgment, kept in one place and checked by the fixed prompt set in test/policy/difficulty.
 * Long prompts are read at both ends, so a 2,000-token prompt costs tens of microseconds.
 */
export function promptFeatures(analysis: FeatureInput): PromptFeatures {
  const full = analysis.promptText;
  const text = full.length > SAMPLE_CHARS ? `${full.slice(0, SAMPLE_CHARS / 2)}\n${full.slice(-SAMPLE_CHARS / 2)}` : full;
  const cues: Array<[string, number]> = [];
  const chars = full.trim().length;
  // Length: a few words carry little to get wrong, a long brief carries more (tokens of the whole call).
  const tokens = Math.max(1, analysis.inputTokens);
  addCue(cues, tokens < 60 ? 'short' : 'long', Math.max(-0.75, Math.min(1, 0.25 * Math.log2(tokens / 60))));

  const cueCounts = countCues(text);
  const proofs = cueCounts[1]!;
  const notation = count(MATH_NOTATION, text, 10);
  if (proofs >= 2 || (proofs >= 1 && notation >= 2)) addCue(cues, 'competition math', 3.5 + 0.25 * Math.min(proofs - 1, 4));
  else if (proofs === 1) addCue(cues, 'proof or number theory', 1);
  if (notation >= 3) addCue(cues, 'math notation', 0.5);

  const files = distinctFiles(text);
  const scope = cueCounts[2]!;
  if (files >= 2 || scope > 0)
    addCue(cues, files >= 2 ? `${files} files` : 'multi-file code', 2.5 + 0.25 * Math.min(Math.max(files - 2, 0) + scope, 4));
  const topics = cueCounts[3]!;
  if (topics > 0) addCue(cues, 'hard topic', 0.6 * topics);

  const reasoning = cueCounts[4]!;
  if (reasoning > 0) addCue(cues, 'asks for reasoning', 0.25 * reasoning);
  const constraints = cueCounts[5]! + cueCounts[6]! / 2;
  if (constraints >= 2) addCue(cues, `${Math.round(constraints)} constraints`, Math.min(1.5, 0.2 * constraints));
  if (analysis.requires.reasoning) addCue(cues, 'reasoning effort requested', 0.5);

  // Easy shapes count only when nothing above made the prompt hard.
  let hard = false;
  for (const [cue, logits] of cues) if (logits >= 1 && cue !== 'long') hard = true;
  if (!hard) {
    if (chars <= 80 && GREETING.test(text)) addCue(cues, 'greeting', -4);
    else if (chars <= 400 && REWRITE.test(text)) addCue(cues, 'one-line rewrite', -2.5);
    else if (chars <= 120 && text.indexOf('?') === text.lastIndexOf('?')) addCue(cues, 'one short request', -0.75);
  }

  let difficulty = 0;
  for (const [, logits] of cues) difficulty += logits;
  sortByWeight(cues);
  // The cues that weigh at least a quarter logit, by name (one array, not a filter and a map).
  const named: string[] = [];
  for (const [cue, logits] of cues) if (Math.abs(logits) >= 0.25) named.push(cue);
  return {
    difficulty,
    discrimination: 1 + Math.min(0.75, 0.15 * Math.max(0, difficulty)),
    cues: named,
  };
}

/**
 * Strongest cue first, ties in the order found: the order a stable sort by |logits| gives (what
 * Array#sort did), by insertion, because the sort allocates its work arrays each call and there
 * are never more than a dozen cues.
 */
function sortByWeight(cues: Array<[string, number]>): void {
  for (let i = 1; i < cues.length; i += 1) {
    const cue = cues[i]!;
    const weight = Math.abs(cue[1]);
    let j = i - 1;
    while (j >= 0 && Math.abs(cues[j]![1]) < weight) {
      cues[j + 1] = cues[j]!;
      j -= 1;
    }
    cues[j + 1] = cue;
  }
}

/** A word for a difficulty, for explanations. */
export function difficultyWord(difficulty: number): string {
  if (difficulty <= -3) return 'trivial';
  if (difficulty <= -1) return 'easy';
  if (difficulty < 1) return 'typical';
  if (difficulty < 2.5) return 'hard';
  return 'very hard';
}
