import { Card, Form, InputNumber, Select, Space, type FormInstance } from 'antd';

export const RETRY_CONDITIONS = ['connect-failure', 'reset', 'timeout', 'gateway-error', '5xx', 'unavailable'];

export interface TimeoutRetryValues {
  requestTimeoutMillis?: number | null;
  retry?: {
    attempts?: number | null;
    perTryTimeoutMillis?: number | null;
    retryOn?: string[];
    backoffMillis?: number | null;
    budget?: { budgetPercent?: number; minRetriesPerSecond?: number };
  };
}

/** Drops empty fields, and the retry policy when nothing of it is set. */
export function toTimeoutRetryDocument(values: TimeoutRetryValues): Record<string, unknown> {
  const set = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && !v.length)));
  const retry = set({ ...(values.retry ?? {}) });
  return set({ requestTimeoutMillis: values.requestTimeoutMillis, retry: Object.keys(retry).length ? retry : undefined });
}

const HOUR = 3_600_000;

/** Timeouts and retries: the document's own shape, so the API's paths name these fields directly. */
export function TimeoutRetryForm({
  form,
  initial,
  readOnly,
}: {
  form: FormInstance<TimeoutRetryValues>;
  initial: TimeoutRetryValues;
  readOnly: boolean;
}) {
  const retrySet = () => {
    const retry = form.getFieldValue('retry') as TimeoutRetryValues['retry'];
    return !!retry && Object.values(retry).some((v) => v !== undefined && v !== null && !(Array.isArray(v) && !v.length));
  };
  return (
    <Form form={form} layout="vertical" initialValues={initial} disabled={readOnly} data-testid="timeout-retry-form">
      <Card size="small" title="Timeout" style={{ marginBottom: 16 }}>
        <Form.Item
          name="requestTimeoutMillis"
          label="Request timeout (ms), retries included"
          rules={[{ type: 'number', min: 1, max: HOUR, message: 'Use 1 ms to 1 hour (3600000 ms)' }]}
        >
          <InputNumber aria-label="Request timeout" style={{ width: 200 }} />
        </Form.Item>
      </Card>
      <Card size="small" title="Retries">
        <Space align="start" wrap>
          <Form.Item
            name={['retry', 'attempts']}
            label="Retries after the first attempt"
            dependencies={[['retry', 'retryOn']]}
            rules={[
              { type: 'number', min: 0, max: 10, message: 'Use 0 to 10 retries' },
              { validator: async (_, v) => { if (retrySet() && (v === undefined || v === null)) throw new Error('Say how many retries'); } },
            ]}
          >
            <InputNumber aria-label="Retry attempts" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name={['retry', 'perTryTimeoutMillis']}
            label="Per-try timeout (ms)"
            dependencies={['requestTimeoutMillis']}
            rules={[
              { type: 'number', min: 1, message: 'Use at least 1 ms' },
              {
                validator: async (_, v?: number | null) => {
                  const total = form.getFieldValue('requestTimeoutMillis') as number | undefined;
                  if (v && total && v > total) {
                    throw new Error(`At most the request timeout (${total} ms)`);
                  }
                },
              },
            ]}
          >
            <InputNumber aria-label="Per-try timeout" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name={['retry', 'retryOn']}
            label="Retry on"
            rules={[{ validator: async (_, v?: string[]) => { if (retrySet() && !(v && v.length)) throw new Error('Pick at least one failure to retry'); } }]}
          >
            <Select
              mode="multiple"
              aria-label="Retry on"
              style={{ width: 360 }}
              options={RETRY_CONDITIONS.map((c) => ({ value: c, label: c }))}
            />
          </Form.Item>
          <Form.Item
            name={['retry', 'backoffMillis']}
            label="Back-off base (ms)"
            rules={[{ type: 'number', min: 0, max: 10_000, message: 'Use 0 to 10000 ms' }]}
          >
            <InputNumber aria-label="Back-off" style={{ width: 160 }} />
          </Form.Item>
        </Space>
      </Card>
    </Form>
  );
}
