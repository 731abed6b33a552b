import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, InputNumber, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { get } from '../api/client';
import type { AuditEntry } from '../api/types';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/Feedback';
import { pretty } from '../rules/DiffView';

export interface AuditFilters {
  actor?: string;
  resource?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  limit?: number;
}

/** The filters as the query string of GET /api/v1/audit. */
export function auditQuery(f: AuditFilters): string {
  const q = new URLSearchParams();
  (['actor', 'resource', 'action'] as const).forEach((k) => {
    const v = f[k]?.trim();
    if (v) {
      q.set(k, v);
    }
  });
  if (f.range?.[0]) {
    q.set('from', f.range[0].toDate().toISOString());
  }
  if (f.range?.[1]) {
    q.set('to', f.range[1].toDate().toISOString());
  }
  q.set('limit', String(f.limit ?? 100));
  return q.toString();
}

export function AuditPage() {
  const [form] = Form.useForm<AuditFilters>();
  const [query, setQuery] = useState(auditQuery({}));
  const entries = useLoad(() => get<AuditEntry[]>(`/api/v1/audit?${query}`), query);

  return (
    <div data-testid="audit">
      <Typography.Title level={3}>Audit log</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form<AuditFilters> form={form} layout="inline" initialValues={{ limit: 100 }} onFinish={(f) => setQuery(auditQuery(f))}>
          <Form.Item name="actor" label="Who">
            <Input aria-label="Actor" placeholder="alice" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="action" label="Action">
            <Input aria-label="Action" placeholder="rule.update" style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="resource" label="Resource" tooltip="End with * to match by prefix, e.g. rule:routing/*">
            <Input aria-label="Resource" placeholder="rule:routing/*" style={{ width: 190 }} />
          </Form.Item>
          <Form.Item name="range" label="When">
            <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item
            name="limit"
            label="Limit"
            rules={[{ type: 'number', min: 1, max: 1000, message: 'Show 1 to 1000 entries' }]}
          >
            <InputNumber aria-label="Limit" style={{ width: 90 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            Filter
          </Button>
        </Form>
      </Card>
      <ErrorAlert error={entries.error} onRetry={entries.reload} />
      <Card>
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={entries.loading}
          dataSource={entries.data ?? []}
          pagination={{ pageSize: 25, hideOnSinglePage: true }}
          locale={{ emptyText: 'No audit entry matches' }}
          expandable={{
            rowExpandable: (e) => e.before !== undefined || e.after !== undefined,
            expandedRowRender: (e) => (
              <div style={{ display: 'flex', gap: 16 }}>
                <div style={{ flex: 1 }}>
                  <b>Before</b>
                  <pre style={{ fontSize: 12 }}>{e.before === undefined ? '(none)' : pretty(e.before)}</pre>
                </div>
                <div style={{ flex: 1 }}>
                  <b>After</b>
                  <pre style={{ fontSize: 12 }}>{e.after === undefined ? '(none)' : pretty(e.after)}</pre>
                </div>
              </div>
            ),
          }}
          columns={[
            { title: 'When', dataIndex: 'at', width: 200, render: (at: string) => new Date(at).toLocaleString() },
            { title: 'Who', dataIndex: 'actor' },
            { title: 'Action', dataIndex: 'action' },
            { title: 'Resource', dataIndex: 'resource' },
            { title: 'Detail', dataIndex: 'detail' },
          ]}
        />
      </Card>
    </div>
  );
}
