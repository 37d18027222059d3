// How hard a passphrase would be to guess, as a hint under the export's passphrase
// field. zxcvbn-ts knows common passwords, names, words, dates, keyboard patterns
// and l33t speak, which a count of character classes does not. Its word lists are
// large (about 2 MB), so they are loaded the first time a hint is asked for.

import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface Strength {
  score: StrengthScore;
  /** "Very weak" … "Very strong". */
  label: string;
  /** What makes it weak, when something does ("This is a very common password."). */
  warning: string | null;
  /** One way to make it stronger. */
  suggestion: string | null;
}

const LABELS: Record<StrengthScore, string> = {
  0: "Very weak",
  1: "Weak",
  2: "Fair",
  3: "Strong",
  4: "Very strong",
};

/** The words for a zxcvbn score. */
export function strengthLabel(score: StrengthScore): string {
  return LABELS[score];
}

let checker: Promise<ZxcvbnFactory> | null = null;

function load(): Promise<ZxcvbnFactory> {
  checker ??= Promise.all([
    import("@zxcvbn-ts/core"),
    import("@zxcvbn-ts/language-common"),
    import("@zxcvbn-ts/language-en"),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      }),
  );
  return checker;
}

/**
 * The strength of `passphrase`; `userInputs` are words the patient's own data
 * makes easy to guess (their name), counted as known words.
 */
export async function passphraseStrength(passphrase: string, userInputs: string[] = []): Promise<Strength> {
  const zxcvbn = await load();
  const result = zxcvbn.check(passphrase, userInputs);
  const score = result.score as StrengthScore;
  return {
    score,
    label: strengthLabel(score),
    warning: result.feedback.warning || null,
    suggestion: result.feedback.suggestions[0] ?? null,
  };
}
