import { useCallback, useEffect, useReducer } from 'react';
import { type ApiIssue, api } from '../../api/client';
import type { Rule, Translation } from './rule-types';
import { emptyGroup, fromRule, type IssueMap, isGroup, NO_ISSUES, type Node, placeIssues, toRule } from './tree';

/**
 * Keeps the condition tree and the text form in step through `POST /api/segments/translate` (always 200, so typing
 * logs no failed requests). An edit on either side is translated after a pause; the answer updates the other side:
 * a valid tree gives the canonical text, a valid text gives a new tree; an invalid one leaves the other side alone
 * and shows its issues, on the tree's fields or under the text. Only the latest edit's answer counts.
 */

const PAUSE_MS = 250;

type Pending =
  | { readonly id: number; readonly form: 'rule'; readonly tree: Node; readonly wait: number }
  | { readonly id: number; readonly form: 'text'; readonly text: string; readonly wait: number };

export interface SyncState {
  readonly tree: Node;
  readonly text: string;
  readonly pending: Pending | null;
  /** The id of the latest edit. */
  readonly seq: number;
  /** The text is behind the tree: the tree's latest version is not valid, so it has no text yet. */
  readonly textBehind: boolean;
  /** Waiting for an answer to the latest edit. */
  readonly checking: boolean;
  /** The canonical rule when the latest answer said valid; null otherwise. */
  readonly rule: Rule | null;
  readonly canonicalText: string | null;
  /** Issues of the tree, placed on its nodes (from the tree the server checked). */
  readonly treeIssues: IssueMap;
  /** Issues of the text (`text:<line>:<column>`, or schema issues with the place in the message). */
  readonly textIssues: readonly ApiIssue[];
  /** An answer that did not arrive (no connection): the check is not done. */
  readonly failure: string | null;
}

type Action =
  | { readonly type: 'tree'; readonly change: (tree: Node) => Node }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'load'; readonly rule: Rule }
  | { readonly type: 'tidy' }
  | { readonly type: 'issues'; readonly issues: readonly ApiIssue[] }
  | { readonly type: 'answer'; readonly id: number; readonly answer: Translation }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

function reduce(state: SyncState, action: Action): SyncState {
  switch (action.type) {
    case 'tree': {
      const tree = action.change(state.tree);
      if (tree === state.tree) return state;
      const id = state.seq + 1;
      if (isGroup(tree) && tree.rules.length === 0) return { ...cleared(state, id), tree };
      return { ...state, tree, seq: id, checking: true, pending: { id, form: 'rule', tree, wait: PAUSE_MS } };
    }
    case 'text': {
      const id = state.seq + 1;
      if (action.text.trim() === '') return { ...cleared(state, id), tree: emptyGroup(), text: action.text };
      const pending = { id, form: 'text', text: action.text, wait: PAUSE_MS } as const;
      return { ...state, text: action.text, seq: id, checking: true, pending };
    }
    case 'load': {
      const tree = fromRule(action.rule);
      const id = state.seq + 1;
      return { ...state, tree, seq: id, checking: true, textIssues: [], pending: { id, form: 'rule', tree, wait: 0 } };
    }
    case 'tidy':
      return state.canonicalText !== null && !state.checking ? { ...state, text: state.canonicalText } : state;
    case 'issues':
      return { ...state, treeIssues: placeIssues(state.tree, action.issues) };
    case 'failed':
      return action.id === state.pending?.id ? { ...state, checking: false, failure: action.message } : state;
    case 'answer': {
      const pending = state.pending;
      if (!pending || action.id !== pending.id) return state;
      const settled = { ...state, checking: false, failure: null };
      const answer = action.answer;
      if (pending.form === 'rule') {
        return answer.valid
          ? {
              ...settled,
              rule: answer.rule,
              canonicalText: answer.text,
              text: answer.text,
              textBehind: false,
              treeIssues: NO_ISSUES,
              textIssues: [],
            }
          : {
              ...settled,
              rule: null,
              canonicalText: null,
              textBehind: true,
              treeIssues: placeIssues(pending.tree, answer.issues),
              textIssues: [],
            };
      }
      return answer.valid
        ? {
            ...settled,
            rule: answer.rule,
            canonicalText: answer.text,
            tree: fromRule(answer.rule),
            textBehind: false,
            treeIssues: NO_ISSUES,
            textIssues: [],
          }
        : { ...settled, rule: null, canonicalText: null, textBehind: false, textIssues: answer.issues };
    }
  }
}

/** Nothing to check: no conditions, no text. */
const cleared = (state: SyncState, seq: number): SyncState => ({
  ...state,
  seq,
  pending: null,
  checking: false,
  rule: null,
  canonicalText: null,
  text: '',
  textBehind: false,
  treeIssues: NO_ISSUES,
  textIssues: [],
  failure: null,
});

const initial = (): SyncState => ({
  tree: emptyGroup(),
  text: '',
  pending: null,
  seq: 0,
  textBehind: false,
  checking: false,
  rule: null,
  canonicalText: null,
  treeIssues: NO_ISSUES,
  textIssues: [],
  failure: null,
});

export interface RuleSync {
  readonly state: SyncState;
  readonly editTree: (change: (tree: Node) => Node) => void;
  readonly editText: (text: string) => void;
  /** Replaces both sides with a saved rule (edit mode, a restored version). */
  readonly load: (rule: Rule) => void;
  /** Puts the canonical text in the text pane (when the user leaves it). */
  readonly tidyText: () => void;
  /** Shows issues found when saving (a reference cycle only saving can see) on the current tree. */
  readonly showIssues: (issues: readonly ApiIssue[]) => void;
}

export function useRuleSync(): RuleSync {
  const [state, dispatch] = useReducer(reduce, undefined, initial);
  const pending = state.pending;

  useEffect(() => {
    if (!pending) return;
    const controller = new AbortController();
    const body = pending.form === 'rule' ? { rule: toRule(pending.tree) } : { text: pending.text };
    const timer = window.setTimeout(() => {
      api.post<Translation>('/api/segments/translate', body, controller.signal).then(
        (answer) => dispatch({ type: 'answer', id: pending.id, answer }),
        (error: unknown) => {
          if (!controller.signal.aborted)
            dispatch({
              type: 'failed',
              id: pending.id,
              message: error instanceof Error ? error.message : String(error),
            });
        },
      );
    }, pending.wait);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [pending]);

  return {
    state,
    editTree: useCallback((change) => dispatch({ type: 'tree', change }), []),
    editText: useCallback((text) => dispatch({ type: 'text', text }), []),
    load: useCallback((rule) => dispatch({ type: 'load', rule }), []),
    tidyText: useCallback(() => dispatch({ type: 'tidy' }), []),
    showIssues: useCallback((issues) => dispatch({ type: 'issues', issues }), []),
  };
}
