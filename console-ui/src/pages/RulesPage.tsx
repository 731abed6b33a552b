import { useState } from 'react';
import { Button, Card, Input, Select, Space, Table, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import { RULE_KINDS, type RuleView } from '../api/types';
import { useLoad } from '../api/useLoad';
import { useSession } from '../auth/AuthContext';
import { ErrorAlert } from '../components/Feedback';

export function RulesPage() {
  const { canWrite } = useSession();
  const navigate = useNavigate();
  const [kind, setKind] = useState<string | undefined>();
  const [service, setService] = useState('');
  const query = new URLSearchParams();
  if (kind) {
    query.set('kind', kind);
  }
  const rules = useLoad(() => get<RuleView[]>(`/api/v1/rules?${query}`), query.toString());
  const shown = (rules.data ?? []).filter((r) => r.service.toLowerCase().includes(service.trim().toLowerCase()));

  return (
    <div data-testid="rules">
      <Typography.Title level={3}>Governance rules</Typography.Title>
      <ErrorAlert error={rules.error} onRetry={rules.reload} />
      <Card>
        <Space style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder="Any kind"
            aria-label="Filter by kind"
            style={{ width: 200 }}
            value={kind}
            onChange={setKind}
            options={RULE_KINDS.map((k) => ({ value: k, label: k }))}
          />
          <Input.Search
            allowClear
            placeholder="Service"
            aria-label="Filter by service"
            style={{ width: 260 }}
            value={service}
            onChange={(e) => setService(e.target.value)}
          />
          {canWrite && (
            <Button type="primary" onClick={() => navigate('/rules/new')}>
              New rule
            </Button>
          )}
        </Space>
        <Table<RuleView>
          rowKey={(r) => `${r.kind}/${r.service}`}
          loading={rules.loading}
          dataSource={shown}
          locale={{ emptyText: 'No rule yet' }}
          columns={[
            {
              title: 'Service',
              dataIndex: 'service',
              render: (s: string, r) => <Link to={`/rules/${r.kind}/${encodeURIComponent(s)}`}>{s}</Link>,
            },
            { title: 'Kind', dataIndex: 'kind' },
            { title: 'Version', dataIndex: 'version' },
            { title: 'Last changed by', dataIndex: 'updatedBy' },
            { title: 'At', dataIndex: 'updatedAt', render: (at: string) => new Date(at).toLocaleString() },
          ]}
        />
      </Card>
    </div>
  );
}
