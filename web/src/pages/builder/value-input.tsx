import { useEffect, useId, useState } from 'react';
import type { ApiIssue } from '../../api/client';
import { DurationInput } from './duration-input';
import { Field, type InputProps, NodeErrors } from './field';
import { type FieldType, scalarOf, shapeOf } from './operators';
import type { Op, Scalar, Value } from './rule-types';

const display = (value: Scalar | undefined): string => (value === undefined ? '' : String(value));
const listText = (value: Value | undefined): string =>
  Array.isArray(value) ? value.map(String).join(', ') : display(value);
const dateText = (value: Scalar | undefined): string => (typeof value === 'string' ? value.slice(0, 10) : '');

/**
 * A text input whose value is typed (a number, a boolean, text): it keeps the text as typed, so "1." or "-" survive
 * while typing, and follows the value only when it changes from outside (another pane, a restored version).
 */
function TypedText<T>({
  value,
  format,
  parse,
  input,
  ...rest
}: {
  readonly value: T;
  readonly format: (value: T) => string;
  readonly parse: (text: string) => T;
  readonly input: InputProps;
  readonly type?: string;
  readonly list?: string;
  readonly placeholder?: string;
  readonly onChange: (value: T) => void;
}) {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    setText((current) => (format(parse(current)) === format(value) ? current : format(value)));
  }, [value, format, parse]);
  return (
    <input
      {...input}
      type={rest.type ?? 'text'}
      list={rest.list}
      placeholder={rest.placeholder}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        rest.onChange(parse(event.target.value));
      }}
    />
  );
}

export interface ValueInputProps {
  readonly op: Op;
  readonly value: Value | undefined;
  readonly onChange: (value: Value | undefined) => void;
  /** The field's types from the catalog ([] when unknown): numbers stay numbers, booleans get a choice. */
  readonly types: readonly FieldType[];
  readonly examples: readonly Scalar[];
  readonly issues: readonly ApiIssue[];
}

/** The value input that fits the operator: none, a list, two bounds, a duration, a date or one value. */
export function ValueInput({ op, value, onChange, types, examples, issues }: ValueInputProps) {
  const listId = useId();
  const scalar = Array.isArray(value) ? value[0] : value;
  const timeLike = types.includes('time') && !types.includes('number');
  switch (shapeOf(op)) {
    case 'none':
      return <NodeErrors issues={issues} />;
    case 'list':
      return (
        <Field label="Values (comma-separated)" issues={issues} className="grow">
          {(input) => (
            <TypedText<Value | undefined>
              input={input}
              value={value}
              format={listText}
              parse={(text) =>
                text
                  .split(',')
                  .map((part) => part.trim())
                  .filter((part) => part !== '')
                  .map((part) => scalarOf(part, types))
              }
              onChange={onChange}
            />
          )}
        </Field>
      );
    case 'range':
      return <RangeInput value={value} onChange={onChange} types={types} issues={issues} />;
    case 'duration':
      return (
        <DurationInput label="Duration" value={display(scalar)} onChange={(text) => onChange(text)} issues={issues} />
      );
    case 'date':
      return (
        <Field label="Date (UTC)" issues={issues}>
          {(input) => (
            <input {...input} type="date" value={dateText(scalar)} onChange={(e) => onChange(e.target.value)} />
          )}
        </Field>
      );
    case 'text':
      return (
        <Field label="Text" issues={issues} className="grow">
          {(input) => (
            <TypedText<Value | undefined>
              input={input}
              value={value}
              format={listText}
              parse={(t) => t}
              onChange={onChange}
            />
          )}
        </Field>
      );
    case 'scalar':
      if (types.length > 0 && types.every((type) => type === 'boolean')) {
        return (
          <Field label="Value" issues={issues}>
            {(input) => (
              <select {...input} value={String(scalar)} onChange={(event) => onChange(event.target.value === 'true')}>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            )}
          </Field>
        );
      }
      return (
        <Field label="Value" issues={issues} className="grow">
          {(input) => (
            <>
              <TypedText<Value | undefined>
                input={input}
                value={value}
                format={listText}
                parse={(text) => (timeLike ? text : scalarOf(text, types))}
                list={examples.length > 0 ? listId : undefined}
                onChange={onChange}
              />
              {examples.length > 0 ? (
                <datalist id={listId}>
                  {examples.map((example) => (
                    <option key={`${typeof example}:${String(example)}`} value={String(example)} />
                  ))}
                </datalist>
              ) : null}
            </>
          )}
        </Field>
      );
  }
}

/** `between`: two bounds, numbers or dates; one message for the pair, as the server reports it on `value`. */
function RangeInput({
  value,
  onChange,
  types,
  issues,
}: Pick<ValueInputProps, 'value' | 'onChange' | 'types' | 'issues'>) {
  const id = useId();
  const pair = Array.isArray(value) ? value : [];
  const dates = types.includes('time') && !types.includes('number');
  const invalid = issues.length > 0;
  const described = invalid ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
  const set = (index: 0 | 1, bound: Scalar) => {
    const next: Scalar[] = [pair[0] ?? '', pair[1] ?? ''];
    next[index] = bound;
    onChange(next);
  };
  const bound = (index: 0 | 1, label: string) => (
    <div className="builder-field">
      <label htmlFor={`${id}-${index}`}>{label}</label>
      {dates ? (
        <input
          id={`${id}-${index}`}
          type="date"
          value={dateText(pair[index])}
          onChange={(event) => set(index, event.target.value)}
          {...described}
        />
      ) : (
        <TypedText<Scalar>
          input={{ id: `${id}-${index}`, ...described }}
          value={pair[index] ?? ''}
          format={display}
          parse={(text) => scalarOf(text, types.length > 0 ? types : ['number'])}
          onChange={(next) => set(index, next)}
        />
      )}
    </div>
  );
  return (
    <div className="builder-range">
      <div className="builder-row">
        {bound(0, 'From')}
        {bound(1, 'To (inclusive)')}
      </div>
      {invalid ? (
        <p className="field-error" id={`${id}-error`}>
          {issues.map((issue) => issue.message).join('; ')}
        </p>
      ) : null}
    </div>
  );
}
