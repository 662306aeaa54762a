/**
 * E1/E2/E4: the trade-name key of a customer, derived from its full registered name.
 *
 * A registered name is region + trade name + industry + organisation form
 * (靖江市 + 春意 + 空调 + 有限公司); the key is what remains once the other three are gone
 * (春意). The word lists are data, in `e1-trade-name.words.json` (its `source` says where the
 * region names come from).
 */
import words from './e1-trade-name.words.json' with { type: 'json' };

/** E1: the shortest key a strip may leave behind (industry words and regions). */
const MIN_KEY_LENGTH = 2;

/**
 * The version of this derivation. Each customer row records the version its key was derived
 * with; at startup rows with an older one are re-derived (see e4-key-conflicts.ts). Raise it
 * whenever the steps or the word lists change a key.
 */
export const TRADE_NAME_KEY_VERSION = 2;

/** A bracketed 集团 adds nothing to the key: 春意(集团)有限公司 is 春意集团有限公司. */
const GROUP = '集团';

/**
 * Full-width to half-width (NFKC also turns （） into ()), no whitespace, lower-case Latin.
 * The same function normalises names and word lists, so both always compare alike.
 */
function normalise(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/** Length in characters (code points), not UTF-16 units. */
function charLength(text: string): number {
  return [...text].length;
}

/** Normalised, deduplicated, longest first (ties in code-point order, so the result is stable). */
function wordList(list: readonly string[]): readonly string[] {
  const unique = [...new Set(list.map(normalise))].filter((word) => word !== '');
  return unique.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

const ORGANISATION_FORMS = wordList(words.organisationForms);
const BRANCH_SUFFIXES = wordList(words.branchSuffixes);
const REGIONS = wordList(words.regions);
/** Names that are also common trade words (阿里, 金山, 福田 …): stripped only with a suffix (福田区). */
const AMBIGUOUS_REGIONS = wordList(words.ambiguousRegions);
const REGION_SUFFIXES = wordList(words.regionSuffixes);
const INDUSTRIES = wordList(words.industries);

/** Words by their first (or last) UTF-16 unit, in list order: only those can start (end) a text with that unit (a few, not thousands, to compare). */
function byUnit(list: readonly string[], unitOf: (word: string) => string): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const word of list) map.set(unitOf(word), [...(map.get(unitOf(word)) ?? []), word]);
  return map;
}
const first = (text: string, at = 0) => text.charAt(at);
const last = (text: string) => text.charAt(text.length - 1);
const REGIONS_BY_FIRST = byUnit(REGIONS, first);
const AMBIGUOUS_BY_FIRST = byUnit(AMBIGUOUS_REGIONS, first);
/** The industry words, then 集团, by their last unit. */
const INDUSTRIES_BY_LAST = byUnit([...INDUSTRIES, GROUP], last);

/** `(…)`, `[…]`, `【…】`, `〔…〕` without nesting; NFKC has already made （） into (). */
const BRACKETED = /[([【〔]([^()[\]【】〔〕]*)[)\]】〕]/gu;

/**
 * The usual branch pattern "parent 有限公司 + anything (mostly a region) + 分公司": the parent's name
 * is the one that counts for duplicates, so everything after the first 公司/集团 goes.
 */
const BRANCH = new RegExp(`^(.+?(?:公司|${GROUP})).*(?:${BRANCH_SUFFIXES.map(escapeRegExp).join('|')})$`, 'u');

/** End index of one region (+ optional suffix) starting at `from`, or -1 when none starts there. */
function regionEnd(text: string, from: number): number {
  let best = -1;
  const consider = (name: string, suffixRequired: boolean): void => {
    if (!text.startsWith(name, from)) return;
    let end = from + name.length;
    const suffix = REGION_SUFFIXES.find((candidate) => text.startsWith(candidate, end));
    if (suffix !== undefined) end += suffix.length;
    else if (suffixRequired) return;
    if (end > best) best = end;
  };
  for (const name of REGIONS_BY_FIRST.get(first(text, from)) ?? []) consider(name, false);
  for (const name of AMBIGUOUS_BY_FIRST.get(first(text, from)) ?? []) consider(name, true);
  return best;
}

/** Whether the whole text is one or more regions, e.g. 江苏, 靖江市, 江苏靖江, 中国. */
function isRegionPhrase(text: string): boolean {
  let position = 0;
  while (position < text.length) {
    const end = regionEnd(text, position);
    if (end <= position) return false;
    position = end;
  }
  return text.length > 0;
}

/** 春意空调(靖江)有限公司 → 春意空调有限公司; other bracketed text, such as (有限合伙), stays. */
function dropBracketedRegions(name: string): string {
  return name.replace(BRACKETED, (_whole: string, inner: string) => (inner === GROUP || isRegionPhrase(inner) ? '' : `(${inner})`));
}

/** 春意空调有限公司靖江分公司 → 春意空调有限公司. */
function cutBranch(name: string): string {
  return BRANCH.exec(name)?.[1] ?? name;
}

/**
 * E1: strips one organisation form, longest first, and then a trailing 集团. A bracketed
 * partnership marker ((有限合伙) …) is stripped on its own first, so 中心(有限合伙) goes whole.
 * May leave '' when the name is nothing but a form.
 */
function stripOrganisationForm(name: string): string {
  let key = name;
  for (;;) {
    const form = ORGANISATION_FORMS.find((candidate) => key.endsWith(candidate));
    if (form === undefined) break;
    key = key.slice(0, key.length - form.length);
    if (!form.startsWith('(')) break;
  }
  return key.endsWith(GROUP) ? key.slice(0, key.length - GROUP.length) : key;
}

/** E1: strips leading regions (江苏省靖江市 → both) while at least two characters remain. */
function stripRegionPrefixes(name: string): string {
  let key = name;
  for (;;) {
    const end = regionEnd(key, 0);
    if (end <= 0 || charLength(key.slice(end)) < MIN_KEY_LENGTH) return key;
    key = key.slice(end);
  }
}

/**
 * E1: strips trailing industry words, the longest that matches each time, as long as one
 * matches and at least two characters remain. Industry words stack in real names
 * (宏达机械制造 → 宏达, 同创医药包装 → 同创), and so does a 集团 between them (徐工集团工程机械 →
 * 徐工); when a strip would leave less than two characters,
 * the word stays: 上海电气 → 电气, never ''.
 */
function stripIndustries(name: string): string {
  let key = name;
  for (;;) {
    const industry = (INDUSTRIES_BY_LAST.get(last(key)) ?? []).find(
      (candidate) => key.endsWith(candidate) && charLength(key) - charLength(candidate) >= MIN_KEY_LENGTH,
    );
    if (industry === undefined) return key;
    key = key.slice(0, key.length - industry.length);
  }
}

/**
 * E1/E2/E4: the duplicate-check key of a company, derived from its full registered name.
 *
 * Steps, in order: normalise (NFKC, no whitespace, lower case); drop bracketed regions
 * ((江苏), （靖江）, (中国)) and a bracketed 集团; cut a branch back to its parent
 * (X有限公司Y分公司 → X有限公司); strip one organisation form and a trailing 集团; strip
 * leading regions; strip trailing industry words repeatedly. Regions and industry words are never
 * stripped if less than two characters would remain.
 *
 * @example deriveTradeName('江苏省靖江市春意空调设备有限公司') // '春意'
 * @returns the key, or '' when the name is blank or nothing but an organisation form.
 */
export function deriveTradeName(fullName: string): string {
  let key = normalise(fullName);
  if (key === '') return '';
  key = dropBracketedRegions(key);
  key = cutBranch(key);
  key = stripOrganisationForm(key);
  if (key === '') return '';
  key = stripRegionPrefixes(key);
  return stripIndustries(key);
}
