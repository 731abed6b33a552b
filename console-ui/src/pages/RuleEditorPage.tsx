import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tabs, Typography, type FormInstance } from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import YAML from 'yaml';
import { asApiError, call, type ApiError } from '../api/client';
import { RULE_KINDS, type FieldError, type RuleKind, type RuleView } from '../api/types';
import { useSession } from '../auth/AuthContext';
import { ErrorAlert } from '../components/Feedback';
import { DiffView, pretty } from '../rules/DiffView';
import { placeErrors, type NamePath } from '../rules/paths';
import { RoutingForm } from '../rules/RoutingForm';
import { SERVICE_NAME, fromRoutingDocument, routingFieldOf, toRoutingDocument, type RoutingValues } from '../rules/routing';
import { RuleHistory } from '../rules/RuleHistory';
import { TEMPLATES } from '../rules/templates';
import { TimeoutRetryForm, toTimeoutRetryDocument, type TimeoutRetryValues } from '../rules/TimeoutRetryForm';
import { KindForm, compactDocument, type KindValues } from '../rules/KindForms';

type Tab = 'form' | 'json' | 'yaml' | 'history';

export function RuleEditorPage() {
  const { kind, service } = useParams();
  if (!kind || !service) {
    return <NewRule />;
  }
  if (!(RULE_KINDS as readonly string[]).includes(kind)) {
    return <Alert type="error" showIcon message={`'${kind}' is not a rule kind; use one of ${RULE_KINDS.join(', ')}`} />;
  }
  return <RuleEditor key={`${kind}/${service}`} kind={kind as RuleKind} service={service} />;
}

/** Asks for the kind and service of a new rule, then opens its editor. */
export function NewRule() {
  const navigate = useNavigate();
  return (
    <Card title="New rule" style={{ maxWidth: 560 }}>
      <Form
        layout="vertical"
        initialValues={{ kind: 'routing' }}
        onFinish={(v: { kind: string; service: string }) => navigate(`/rules/${v.kind}/${encodeURIComponent(v.service.trim())}`)}
      >
        <Form.Item name="kind" label="Kind" rules={[{ required: true }]}>
          <Select aria-label="Rule kind" options={RULE_KINDS.map((k) => ({ value: k, label: k }))} />
        </Form.Item>
        <Form.Item
          name="service"
          label="Service"
          rules={[
            { required: true, message: 'Name the service the rule applies to' },
            { pattern: SERVICE_NAME, message: "Use letters, digits and _ . : @ - (at most 255)" },
          ]}
        >
          <Input aria-label="Service" placeholder="orders" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          Continue
        </Button>
      </Form>
    </Card>
  );
}

function RuleEditor({ kind, service }: { kind: RuleKind; service: string }) {
  const { canWrite } = useSession();
  const { message } = App.useApp();
  const base = `/api/v1/rules/${kind}/${encodeURIComponent(service)}`;
  const hasForm = true;
  const [routingForm] = Form.useForm<RoutingValues>();
  const [trForm] = Form.useForm<TimeoutRetryValues>();
  const [docForm] = Form.useForm<KindValues>();
  const activeForm = (kind === 'routing' ? routingForm : kind === 'timeout-retry' ? trForm : docForm) as FormInstance;
  const [loaded, setLoaded] = useState(false);
  const [current, setCurrent] = useState<RuleView | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [initial, setInitial] = useState<unknown>(undefined);
  const [tab, setTab] = useState<Tab>(hasForm ? 'form' : 'json');
  const [jsonText, setJsonText] = useState('');
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [review, setReview] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [historyRound, setHistoryRound] = useState(0);

  const show = useCallback(
    (doc: unknown) => {
      setInitial(doc);
      setJsonText(pretty(doc));
      if (kind === 'routing') {
        routingForm.resetFields();
        routingForm.setFieldsValue(fromRoutingDocument(doc));
      } else if (kind === 'timeout-retry') {
        trForm.resetFields();
        trForm.setFieldsValue(doc as TimeoutRetryValues);
      } else {
        docForm.resetFields();
        docForm.setFieldsValue((doc ?? {}) as KindValues);
      }
    },
    [kind, routingForm, trForm, docForm],
  );

  const load = useCallback(async () => {
    setLoadError(null);
    setSaveError(null);
    setFieldErrors([]);
    setJsonProblem(null);
    try {
      const answer = await call<RuleView>(base);
      setCurrent(answer.data);
      show(answer.data.rule);
    } catch (e) {
      const error = asApiError(e);
      if (error.code === 'PLATFORM-0201') {
        setCurrent(null);
        show(TEMPLATES[kind]);
      } else {
        setLoadError(error);
      }
    } finally {
      setLoaded(true);
    }
  }, [base, kind, show]);

  useEffect(() => {
    load();
  }, [load]);

  const fromForm = (): unknown =>
    kind === 'routing'
      ? toRoutingDocument(routingForm.getFieldsValue(true))
      : kind === 'timeout-retry'
        ? toTimeoutRetryDocument(trForm.getFieldsValue(true))
        : compactDocument(docForm.getFieldsValue(true));

  const parseJson = (): unknown => {
    try {
      const doc = JSON.parse(jsonText);
      setJsonProblem(null);
      return doc;
    } catch (e) {
      setJsonProblem(`The JSON is not valid: ${(e as Error).message}`);
      return undefined;
    }
  };

  const switchTab = (next: Tab) => {
    if (tab === 'form' && next !== 'form' && next !== 'history') {
      setJsonText(pretty(fromForm()));
    }
    if ((tab === 'json' || tab === 'yaml') && next === 'form') {
      const doc = parseJson();
      if (doc === undefined) {
        return;
      }
      show(doc);
    }
    setTab(next);
  };

  const startReview = async () => {
    setSaveError(null);
    setFieldErrors([]);
    let doc: unknown;
    if (tab === 'form') {
      try {
        await activeForm.validateFields();
      } catch {
        message.error('Some fields need fixing: see the messages in red.');
        return;
      }
      doc = fromForm();
    } else {
      doc = parseJson();
      if (doc === undefined) {
        return;
      }
    }
    message.destroy();
    setReview(doc);
  };

  const placeOnForm = (errors: FieldError[]) => {
    const form = activeForm;
    const registered = form.getFieldsError().map((f) => f.name as NamePath);
    const placed = placeErrors(errors, registered, kind === 'routing' ? routingFieldOf : undefined);
    form.setFields(placed.fields.map((f) => ({ name: f.name, errors: f.errors })));
    return placed.general;
  };

  const save = async () => {
    const doc = review;
    setSaving(true);
    try {
      const headers: Record<string, string> = current ? { 'If-Match': `"${current.version}"` } : {};
      const answer = await call<RuleView>(base, { method: 'PUT', body: doc, headers });
      setReview(undefined);
      setCurrent(answer.data);
      show(answer.data.rule);
      setHistoryRound((r) => r + 1);
      message.success(`Saved version ${answer.data.version}`);
    } catch (e) {
      const error = asApiError(e);
      setReview(undefined);
      setSaveError(error);
      if (error.errors.length) {
        setFieldErrors(tab === 'form' && hasForm ? placeOnForm(error.errors) : error.errors);
      }
    } finally {
      setSaving(false);
    }
  };

  const rolledBack = (view: RuleView) => {
    setCurrent(view);
    show(view.rule);
    setHistoryRound((r) => r + 1);
    message.success(`Rolled back: version ${view.version} is now current`);
  };

  if (!loaded) {
    return <Card loading />;
  }
  if (loadError) {
    return <ErrorAlert error={loadError} onRetry={load} />;
  }

  const yamlText = (() => {
    try {
      return YAML.stringify(tab === 'yaml' ? JSON.parse(jsonText) : initial);
    } catch {
      return '# the JSON is not valid, so it has no YAML view';
    }
  })();

  const items = [
    ...(hasForm
      ? [
          {
            key: 'form',
            label: 'Form',
            children:
              kind === 'routing' ? (
                <RoutingForm form={routingForm} initial={fromRoutingDocument(initial)} readOnly={!canWrite} />
              ) : kind === 'timeout-retry' ? (
                <TimeoutRetryForm form={trForm} initial={initial as TimeoutRetryValues} readOnly={!canWrite} />
              ) : (
                <KindForm kind={kind} form={docForm} initial={(initial ?? {}) as KindValues} readOnly={!canWrite} />
              ),
          },
        ]
      : []),
    {
      key: 'json',
      label: 'JSON',
      children: (
        <div>
          <Input.TextArea
            aria-label="Rule JSON"
            value={jsonText}
            readOnly={!canWrite}
            onChange={(e) => setJsonText(e.target.value)}
            autoSize={{ minRows: 14, maxRows: 32 }}
            style={{ fontFamily: 'monospace', fontSize: 13 }}
            status={jsonProblem || (tab === 'json' && fieldErrors.length) ? 'error' : undefined}
          />
          {jsonProblem && (
            <Typography.Text type="danger" role="alert">
              {jsonProblem}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      key: 'yaml',
      label: 'YAML',
      children: <pre data-testid="rule-yaml" style={{ background: '#fafafa', padding: 12 }}>{yamlText}</pre>,
    },
    {
      key: 'history',
      label: 'History',
      children: (
        <RuleHistory
          kind={kind}
          service={service}
          current={current}
          canWrite={canWrite}
          refresh={historyRound}
          onRolledBack={rolledBack}
        />
      ),
    },
  ];

  return (
    <div data-testid="rule-editor">
      <Space style={{ marginBottom: 8 }}>
        <Link to="/rules">Rules</Link>
        <span>/</span>
        <span>{kind}</span>
      </Space>
      <Typography.Title level={3}>
        {kind} rule for <code>{service}</code>
      </Typography.Title>
      <Typography.Paragraph type="secondary" data-testid="rule-version">
        {current
          ? `Version ${current.version}, written by ${current.updatedBy} at ${new Date(current.updatedAt).toLocaleString()}`
          : 'No such rule yet: saving creates version 1.'}
      </Typography.Paragraph>
      {saveError && (
        <Alert
          role="alert"
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={saveError.plain}
          description={
            fieldErrors.length ? (
              <ul style={{ margin: 0 }} data-testid="rule-errors">
                {fieldErrors.map((f, i) => (
                  <li key={i}>
                    <code>{f.path}</code> {f.message} <Typography.Text type="secondary">({f.code})</Typography.Text>
                  </li>
                ))}
              </ul>
            ) : undefined
          }
          action={saveError.code === 'PLATFORM-0202' ? <Button onClick={load}>Reload</Button> : undefined}
        />
      )}
      <Card>
        <Tabs activeKey={tab} onChange={(k) => switchTab(k as Tab)} items={items} />
        {canWrite && tab !== 'history' && (
          <Space style={{ marginTop: 16 }}>
            <Button type="primary" onClick={startReview}>
              Review and save
            </Button>
            <Button onClick={load}>Discard changes</Button>
          </Space>
        )}
      </Card>
      <Modal
        open={review !== undefined}
        title={current ? `Changes against version ${current.version}` : 'New rule'}
        okText="Save"
        onOk={save}
        confirmLoading={saving}
        onCancel={() => setReview(undefined)}
        width={900}
      >
        <DiffView before={current?.rule} after={review} />
      </Modal>
    </div>
  );
}
