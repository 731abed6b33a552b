import type { ReactElement } from 'react';
import { Button, Card, Form, Input, InputNumber, Select, Space, type FormInstance } from 'antd';
import type { RuleKind } from '../api/types';

/**
 * Forms for the rule kinds whose document is a list of named entries: rate-limit, circuit-breaker, fault-injection and
 * access-control. Their values are the document itself, so the API's JSON paths ($.limits[0].qps) name these fields
 * directly; fields a form does not show (a `match`, `adaptive`, `outlierDetection`) are kept as loaded.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KindValues = Record<string, any>;

export const DOCUMENT_FORM_KINDS: RuleKind[] = ['rate-limit', 'circuit-breaker', 'fault-injection', 'access-control'];

/** Drops undefined, null and empty-string fields and the objects left empty, at every depth; keeps arrays. */
export function compactDocument(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(compactDocument);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const c = compactDocument(v);
      const emptyObject = c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0;
      if (c !== undefined && c !== null && c !== '' && !emptyObject) {
        out[k] = c;
      }
    }
    return out;
  }
  return value;
}

const HOUR = 3_600_000;
const MILLION = 1_000_000;

type ListRender = (fields: { key: number; name: number }[], add: (v?: unknown) => void, remove: (i: number) => void) => ReactElement;

function Entries({ name, title, blank, render }: { name: string; title: string; blank: unknown; render: ListRender }) {
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          {render(fields, add, remove)}
          <Button onClick={() => add(blank)} data-testid={`add-${name}`}>
            Add {title}
          </Button>
        </Space>
      )}
    </Form.List>
  );
}

function unique(form: FormInstance<KindValues>, list: string) {
  return {
    validator: async (_: unknown, v?: string) => {
      const names = ((form.getFieldValue(list) as { name?: string }[] | undefined) ?? []).map((e) => e?.name);
      if (v && names.filter((n) => n === v).length > 1) {
        throw new Error(`Another entry is named ${v}: names must be unique`);
      }
    },
  };
}

const required = (what: string) => ({ required: true, message: `Give ${what}` });

export function RateLimitForm({ form, initial, readOnly }: FormProps) {
  return (
    <Form form={form} layout="vertical" initialValues={initial} disabled={readOnly} data-testid="rate-limit-form">
      <Entries
        name="limits"
        title="limit"
        blank={{ scope: 'local' }}
        render={(fields, _add, remove) => (
          <>
            {fields.map((f) => (
              <Card key={f.key} size="small" title={`Limit ${f.name + 1}`} extra={<Button type="link" onClick={() => remove(f.name)}>Remove</Button>}>
                <Space align="start" wrap>
                  <Form.Item name={[f.name, 'name']} label="Name" rules={[required('a name'), unique(form, 'limits')]}>
                    <Input aria-label={`Limit ${f.name + 1} name`} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'scope']} label="Scope">
                    <Select
                      aria-label={`Limit ${f.name + 1} scope`}
                      style={{ width: 200 }}
                      options={[
                        { value: 'local', label: 'local (per instance)' },
                        { value: 'cluster', label: 'cluster (whole service)' },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'qps']}
                    label="Calls per second"
                    rules={[required('the permitted calls per second'), { type: 'number', min: 0.001, max: MILLION, message: 'Use more than 0 and at most 1,000,000' }]}
                  >
                    <InputNumber aria-label={`Limit ${f.name + 1} qps`} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'burst']} label="Burst" rules={[{ type: 'integer', min: 0, max: MILLION, message: 'Use a whole number from 0 to 1,000,000' }]}>
                    <InputNumber aria-label={`Limit ${f.name + 1} burst`} style={{ width: 140 }} />
                  </Form.Item>
                </Space>
              </Card>
            ))}
          </>
        )}
      />
    </Form>
  );
}

const STRATEGIES = ['error-ratio', 'slow-call-ratio', 'error-count'];

export function CircuitBreakerForm({ form, initial, readOnly }: FormProps) {
  const strategyOf = (i: number) => (form as FormInstance).getFieldValue(['breakers', i, 'strategy']) as string | undefined;
  return (
    <Form form={form} layout="vertical" initialValues={initial} disabled={readOnly} data-testid="circuit-breaker-form">
      <Entries
        name="breakers"
        title="breaker"
        blank={{ strategy: 'error-ratio', minRequests: 20, windowMillis: 10000, openMillis: 5000 }}
        render={(fields, _add, remove) => (
          <>
            {fields.map((f) => (
              <Card key={f.key} size="small" title={`Breaker ${f.name + 1}`} extra={<Button type="link" onClick={() => remove(f.name)}>Remove</Button>}>
                <Space align="start" wrap>
                  <Form.Item name={[f.name, 'name']} label="Name" rules={[required('a name'), unique(form, 'breakers')]}>
                    <Input aria-label={`Breaker ${f.name + 1} name`} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'strategy']} label="Measures" rules={[required('what the breaker measures')]}>
                    <Select aria-label={`Breaker ${f.name + 1} strategy`} style={{ width: 170 }} options={STRATEGIES.map((s) => ({ value: s, label: s }))} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'threshold']}
                    label="Threshold"
                    dependencies={[['breakers', f.name, 'strategy']]}
                    rules={[
                      required('the threshold'),
                      {
                        validator: async (_, v?: number | null) => {
                          if (v === undefined || v === null) return;
                          if (strategyOf(f.name) === 'error-count') {
                            if (!Number.isInteger(v) || v < 1) throw new Error('Use a whole number of errors, at least 1');
                          } else if (!(v > 0 && v <= 1)) {
                            throw new Error('Use a ratio above 0 and at most 1 (0.5 = 50%)');
                          }
                        },
                      },
                    ]}
                  >
                    <InputNumber aria-label={`Breaker ${f.name + 1} threshold`} style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'slowCallMillis']}
                    label="Slow above (ms)"
                    dependencies={[['breakers', f.name, 'strategy']]}
                    rules={[
                      { type: 'number', min: 1, max: HOUR, message: 'Use 1 ms to 1 hour' },
                      {
                        validator: async (_, v?: number | null) => {
                          if (strategyOf(f.name) === 'slow-call-ratio' && (v === undefined || v === null)) {
                            throw new Error('slow-call-ratio needs the time above which a call is slow');
                          }
                        },
                      },
                    ]}
                  >
                    <InputNumber aria-label={`Breaker ${f.name + 1} slow call`} style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'minRequests']} label="Min calls" rules={[required('the calls needed'), { type: 'integer', min: 1, max: MILLION, message: 'Use 1 to 1,000,000' }]}>
                    <InputNumber aria-label={`Breaker ${f.name + 1} min calls`} style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'windowMillis']} label="Window (ms)" rules={[required('the window'), { type: 'number', min: 1000, max: HOUR, message: 'Use 1 s to 1 hour (1000 to 3600000 ms)' }]}>
                    <InputNumber aria-label={`Breaker ${f.name + 1} window`} style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'openMillis']} label="Open for (ms)" rules={[required('how long it stays open'), { type: 'number', min: 1, max: HOUR, message: 'Use 1 ms to 1 hour' }]}>
                    <InputNumber aria-label={`Breaker ${f.name + 1} open`} style={{ width: 130 }} />
                  </Form.Item>
                </Space>
              </Card>
            ))}
          </>
        )}
      />
    </Form>
  );
}

const PERCENT = { type: 'number' as const, min: 0.001, max: 100, message: 'Use more than 0 and at most 100 %' };

export function FaultInjectionForm({ form, initial, readOnly }: FormProps) {
  const has = (i: number, part: 'delay' | 'abort') => {
    const p = (form as FormInstance).getFieldValue(['faults', i, part]) as Record<string, unknown> | undefined;
    return !!p && Object.values(p).some((v) => v !== undefined && v !== null && v !== '');
  };
  const eitherRule = (i: number) => ({
    validator: async () => {
      if (!has(i, 'delay') && !has(i, 'abort')) throw new Error('Give a delay, an abort, or both');
    },
  });
  const pairRule = (i: number, part: 'delay' | 'abort', what: string) => ({
    validator: async (_: unknown, v?: number | null) => {
      if (has(i, part) && (v === undefined || v === null)) throw new Error(`Give ${what}`);
    },
  });
  return (
    <Form form={form} layout="vertical" initialValues={initial} disabled={readOnly} data-testid="fault-injection-form">
      <Entries
        name="faults"
        title="fault"
        blank={{ abort: { status: 503, percent: 10 } }}
        render={(fields, _add, remove) => (
          <>
            {fields.map((f) => {
              const deps = [['faults', f.name, 'delay', 'fixedDelayMillis'], ['faults', f.name, 'delay', 'percent'], ['faults', f.name, 'abort', 'status'], ['faults', f.name, 'abort', 'percent']];
              return (
                <Card key={f.key} size="small" title={`Fault ${f.name + 1}`} extra={<Button type="link" onClick={() => remove(f.name)}>Remove</Button>}>
                  <Space align="start" wrap>
                    <Form.Item name={[f.name, 'delay', 'fixedDelayMillis']} label="Delay (ms)" dependencies={deps} rules={[{ type: 'number', min: 1, max: 60_000, message: 'Use 1 ms to 1 minute' }, eitherRule(f.name), pairRule(f.name, 'delay', 'the delay')]}>
                      <InputNumber aria-label={`Fault ${f.name + 1} delay`} style={{ width: 120 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'delay', 'percent']} label="of calls (%)" dependencies={deps} rules={[PERCENT, pairRule(f.name, 'delay', 'the share of calls delayed')]}>
                      <InputNumber aria-label={`Fault ${f.name + 1} delay percent`} style={{ width: 110 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'abort', 'status']} label="Abort with status" dependencies={deps} rules={[{ type: 'integer', min: 400, max: 599, message: 'Use an HTTP status from 400 to 599' }, pairRule(f.name, 'abort', 'the status')]}>
                      <InputNumber aria-label={`Fault ${f.name + 1} abort status`} style={{ width: 130 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'abort', 'percent']} label="of calls (%)" dependencies={deps} rules={[PERCENT, pairRule(f.name, 'abort', 'the share of calls aborted')]}>
                      <InputNumber aria-label={`Fault ${f.name + 1} abort percent`} style={{ width: 110 }} />
                    </Form.Item>
                  </Space>
                </Card>
              );
            })}
          </>
        )}
      />
    </Form>
  );
}

export function AccessControlForm({ form, initial, readOnly }: FormProps) {
  const actions = [
    { value: 'allow', label: 'allow' },
    { value: 'deny', label: 'deny' },
  ];
  return (
    <Form form={form} layout="vertical" initialValues={initial} disabled={readOnly} data-testid="access-control-form">
      <Form.Item name="defaultAction" label="Calls no policy covers are" rules={[required('what happens to calls no policy covers')]}>
        <Select aria-label="Default action" style={{ width: 160 }} options={actions} />
      </Form.Item>
      <Entries
        name="policies"
        title="policy"
        blank={{ action: 'allow', callers: [] }}
        render={(fields, _add, remove) => (
          <>
            {fields.map((f) => (
              <Card key={f.key} size="small" title={`Policy ${f.name + 1}`} extra={<Button type="link" onClick={() => remove(f.name)}>Remove</Button>}>
                <Space align="start" wrap>
                  <Form.Item name={[f.name, 'name']} label="Name" rules={[required('a name'), unique(form, 'policies')]}>
                    <Input aria-label={`Policy ${f.name + 1} name`} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'action']} label="Action" rules={[required('allow or deny')]}>
                    <Select aria-label={`Policy ${f.name + 1} action`} style={{ width: 110 }} options={actions} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'callers']}
                    label="Callers"
                    rules={[{ validator: async (_, v?: string[]) => { if (!v || v.length === 0) throw new Error('Name at least one caller (application, service or spiffe:// identity)'); } }]}
                  >
                    <Select mode="tags" aria-label={`Policy ${f.name + 1} callers`} style={{ width: 280 }} open={false} tokenSeparators={[',', ' ']} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'methods']} label="Methods (empty: any)">
                    <Select mode="tags" aria-label={`Policy ${f.name + 1} methods`} style={{ width: 220 }} open={false} tokenSeparators={[',', ' ']} />
                  </Form.Item>
                </Space>
              </Card>
            ))}
          </>
        )}
      />
    </Form>
  );
}

interface FormProps {
  form: FormInstance<KindValues>;
  initial: KindValues;
  readOnly: boolean;
}

/** The form of one of {@link DOCUMENT_FORM_KINDS}. */
export function KindForm({ kind, ...props }: FormProps & { kind: RuleKind }) {
  switch (kind) {
    case 'rate-limit':
      return <RateLimitForm {...props} />;
    case 'circuit-breaker':
      return <CircuitBreakerForm {...props} />;
    case 'fault-injection':
      return <FaultInjectionForm {...props} />;
    default:
      return <AccessControlForm {...props} />;
  }
}
