import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { asApiError, call, get, type ApiError } from '../api/client';
import { serviceKey } from '../api/inventory';
import type { Plan } from '../api/migrations';
import type { FieldError, ServiceView } from '../api/types';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/Feedback';
import { placeErrors } from '../rules/paths';
import {
  DEFAULTS,
  FIELDS,
  labelsProblem,
  migrationFieldOf,
  toPlanRequest,
  type MigrationValues,
  type SelectorKind,
} from './form';

/** A rule for a number field: present, within [lo, hi], whole when `whole`. */
function range(lo: number, hi: number | undefined, message: string, whole = false) {
  return {
    validator: async (_: unknown, value: unknown) => {
      if (value === null || value === undefined || value === '') {
        throw new Error(message);
      }
      const n = Number(value);
      if (!Number.isFinite(n) || n < lo || (hi !== undefined && n > hi) || (whole && !Number.isInteger(n))) {
        throw new Error(message);
      }
    },
  };
}

/** The "New migration" form: which instances of which service move to which mode, in what batches, stopping when. */
export function NewMigration() {
  const navigate = useNavigate();
  const [form] = Form.useForm<MigrationValues>();
  const inventory = useLoad(() => get<ServiceView[]>('/api/v1/inventory/services'), 'inventory');
  const services = inventory.data ?? [];
  const chosen = Form.useWatch('service', form);
  const kind = (Form.useWatch('selectorKind', form) ?? DEFAULTS.selectorKind) as SelectorKind;
  const service = services.find((s) => serviceKey(s) === chosen);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [general, setGeneral] = useState<FieldError[]>([]);

  const create = async (values: MigrationValues) => {
    setSaving(true);
    setError(null);
    setGeneral([]);
    try {
      const answer = await call<Plan>('/api/v1/migrations', {
        method: 'POST',
        body: toPlanRequest({ ...DEFAULTS, ...values }, services),
      });
      navigate(`/migrations/${encodeURIComponent(answer.data.id)}`);
    } catch (e) {
      const failure = asApiError(e);
      const placed = placeErrors(failure.errors, FIELDS, migrationFieldOf(values.selectorKind ?? kind));
      form.setFields(placed.fields.map((f) => ({ name: f.name as never, errors: f.errors })));
      setGeneral(placed.general);
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title="New migration" data-testid="new-migration" extra={<Link to="/migrations">Back to migrations</Link>}>
      <ErrorAlert error={inventory.error} onRetry={inventory.reload} />
      <ErrorAlert error={error} />
      {general.length > 0 && (
        <Alert
          type="error"
          data-testid="migration-errors"
          style={{ marginBottom: 16 }}
          message={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {general.map((g, i) => (
                <li key={i}>{`${g.path} ${g.message} (${g.code})`}</li>
              ))}
            </ul>
          }
        />
      )}
      <Form<MigrationValues>
        form={form}
        layout="vertical"
        initialValues={DEFAULTS}
        onFinish={create}
        onValuesChange={(changed) => {
          if ('service' in changed) {
            form.setFieldsValue({ instances: [] });
          }
        }}
        style={{ maxWidth: 900 }}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="service" label="Service" rules={[{ required: true, message: 'Choose the service to migrate' }]}>
              <Select
                aria-label="Service"
                showSearch
                placeholder="orders"
                loading={inventory.loading}
                options={services.map((s) => ({
                  value: serviceKey(s),
                  label: `${s.name} (${s.instances.length} instance${s.instances.length === 1 ? '' : 's'})`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="name" label="Name" tooltip="Optional; by default '<service> to <mode>'">
              <Input aria-label="Name" placeholder="orders to mesh" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="targetMode" label="Move to" rules={[{ required: true }]}>
          <Radio.Group
            aria-label="Target mode"
            options={[
              { value: 'mesh', label: 'Mesh (through the sidecar)' },
              { value: 'sdk', label: 'SDK (direct, the sidecar passes through)' },
            ]}
          />
        </Form.Item>
        <Form.Item name="selectorKind" label="Which instances">
          <Radio.Group
            aria-label="Selector kind"
            options={[
              { value: 'instances', label: 'Pick instances' },
              { value: 'labels', label: 'By label' },
              { value: 'percentage', label: 'By percentage' },
            ]}
          />
        </Form.Item>
        {kind === 'instances' && (
          <Form.Item
            name="instances"
            label="Instances"
            extra="Only instances with a sidecar connected to this platform can be switched."
            rules={[{ type: 'array', required: true, min: 1, message: 'Pick at least one instance' }]}
          >
            <Select
              mode="multiple"
              aria-label="Instances"
              placeholder={service ? 'Pick the instances to move' : 'Choose the service first'}
              disabled={!service}
              options={(service?.instances ?? []).map((i) => {
                const address = `${i.ip}:${i.port}`;
                const mode = i.sidecar?.mode ?? i.mode;
                return {
                  value: address,
                  label: i.sidecar ? `${address} (now ${mode})` : `${address} (${mode}, no sidecar connected)`,
                  disabled: !i.sidecar,
                };
              })}
            />
          </Form.Item>
        )}
        {kind === 'labels' && (
          <Form.Item
            name="labels"
            label="Labels"
            extra="The instances whose labels all match, e.g. zone=a, canary=true"
            rules={[
              {
                validator: async (_, text?: string) => {
                  const problem = labelsProblem(text);
                  if (problem) {
                    throw new Error(problem);
                  }
                },
              },
            ]}
          >
            <Input aria-label="Labels" placeholder="zone=a" />
          </Form.Item>
        )}
        {kind === 'percentage' && (
          <Form.Item
            name="percentage"
            label="Percentage of the instances"
            rules={[range(1, 100, 'Give a whole percentage from 1 to 100', true)]}
          >
            <InputNumber aria-label="Percentage" addonAfter="%" style={{ width: 160 }} />
          </Form.Item>
        )}
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              name="batchSize"
              label="Batch size"
              tooltip="Instances switched together before the pause and the health check"
              rules={[range(1, 1000, 'From 1 to 1000 instances per batch (a whole number)', true)]}
            >
              <InputNumber aria-label="Batch size" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="pauseSeconds"
              label="Pause between batches"
              tooltip="How long each batch is observed before the next one starts"
              rules={[range(0, 3600, 'From 0 to 3600 seconds', true)]}
            >
              <InputNumber aria-label="Pause seconds" addonAfter="s" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="onBreach" label="When a threshold is breached">
              <Radio.Group
                aria-label="On breach"
                options={[
                  { value: 'rollback', label: 'Roll back' },
                  { value: 'pause', label: 'Pause' },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary">
          Thresholds: after each batch the platform compares the service&apos;s traffic with these; a breach stops the
          migration. They apply once at least the minimum number of requests has been seen.
        </Typography.Paragraph>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="maxErrorRatePercent" label="Max error rate" rules={[range(0, 100, 'From 0 to 100 %')]}>
              <InputNumber aria-label="Max error rate" addonAfter="%" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="maxP99Millis" label="Max p99 latency" rules={[range(1, undefined, 'At least 1 ms')]}>
              <InputNumber aria-label="Max p99" addonAfter="ms" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="minRequests"
              label="Min requests"
              rules={[range(0, undefined, 'Zero or more requests (a whole number)', true)]}
            >
              <InputNumber aria-label="Min requests" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="start" valuePropName="checked">
          <Checkbox>Start right away</Checkbox>
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving}>
            Create migration
          </Button>
          <Button onClick={() => navigate('/migrations')}>Cancel</Button>
        </Space>
      </Form>
    </Card>
  );
}
