import { describe, expect, it } from 'vitest';
import { choiceLetter, exactMatch, isRefusal, normalizeAnswer, parseResponse, readConfidence } from '../../src/eval/grade.js';
import { readJudgeVerdict } from '../../src/eval/prompts.js';

describe('parseResponse (HLE format)', () => {
  it('reads explanation, answer and confidence, bold labels included', () => {
    const parsed = parseResponse('Explanation: because.\n**Answer:** 42\nConfidence: 85%');
    expect(parsed).toEqual({ explanation: 'because.', answer: '42', formatted: true, confidence: 0.85 });
  });
  it('takes the last answer line and keeps a response without the format as its answer', () => {
    expect(parseResponse('Answer: 3\nWait.\nFinal answer: 4').answer).toBe('4');
    expect(parseResponse('  just 7 ')).toEqual({ answer: 'just 7', formatted: false });
  });
  it('reads confidences as percentages or fractions', () => {
    expect(readConfidence('90%')).toBe(0.9);
    expect(readConfidence('0.3')).toBe(0.3);
    expect(readConfidence('75/100')).toBe(0.75);
    expect(readConfidence('very')).toBeUndefined();
    expect(readConfidence('250%')).toBeUndefined();
  });
});

describe('exact match after normalisation', () => {
  it.each([
    ['\\boxed{42}', '42'],
    ['$-14$', '-14'],
    ['1,048,576', '1048576'],
    ['0.50', '0.5'],
    ['Canberra.', 'canberra'],
    ['"newton"', 'Newton'],
    ['O(log n)', 'o(log n)'],
  ])('%s = %s', (given, expected) => {
    expect(normalizeAnswer(given)).toBe(normalizeAnswer(expected));
    expect(exactMatch(given, expected, 'exactMatch')).toBe(true);
  });
  it('tells different answers apart', () => {
    expect(exactMatch('41', '42', 'exactMatch')).toBe(false);
    expect(exactMatch('not red', 'red', 'exactMatch')).toBe(false);
  });
  it('reads choice letters', () => {
    expect(choiceLetter('(B)')).toBe('b');
    expect(choiceLetter('B. Plato')).toBe('b');
    expect(choiceLetter('Option C')).toBe('c');
    expect(exactMatch('B) the square root of 2', 'B', 'multipleChoice')).toBe(true);
    expect(exactMatch('A', 'B', 'multipleChoice')).toBe(false);
    expect(exactMatch('Because', 'B', 'multipleChoice')).toBe(false);
  });
  it('knows a refusal', () => {
    expect(isRefusal("I'm sorry, but I can't help with that.", 'stop')).toBe(true);
    expect(isRefusal('Answer: 4', 'content_filter')).toBe(true);
    expect(isRefusal('Answer: 4', 'stop')).toBe(false);
  });
});

describe('readJudgeVerdict', () => {
  it('accepts the schema and nothing else', () => {
    expect(readJudgeVerdict('{"extracted_final_answer":"4","reasoning":"ok","correct":"yes","confidence":80}')).toEqual({
      extracted_final_answer: '4',
      reasoning: 'ok',
      correct: 'yes',
      confidence: 80,
    });
    expect(readJudgeVerdict('{"extracted_final_answer":"4","correct":"maybe"}')).toBeUndefined();
    expect(readJudgeVerdict('not json')).toBeUndefined();
  });
});
