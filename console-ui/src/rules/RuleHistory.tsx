import { useState } from 'react';
import { Button, Popconfirm, Table, Tag } from 'antd';
import { asApiError, call, get, type ApiError } from '../api/client';
import type { RuleView } from '../api/types';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/Feedback';
import { pretty } from './DiffView';

interface Props {
  kind: string;
  service: string;
  current: RuleView | null;
  canWrite: boolean;
  refresh: number;
  onRolledBack: (view: RuleView) => void;
}

/** Every version of one rule with who wrote it and when; operators roll back to any earlier version. */
export function RuleHistory({ kind, service, current, canWrite, refresh, onRolledBack }: Props) {
  const base = `/api/v1/rules/${encodeURIComponent(kind)}/${encodeURIComponent(service)}`;
  const history = useLoad(
    () => get<RuleView[]>(`${base}/versions`).then((v) => [...v].sort((a, b) => b.version - a.version)),
    `${base}#${refresh}`,
  );
  const [error, setError] = useState<ApiError | null>(null);

  const rollback = async (toVersion: number) => {
    setError(null);
    try {
      const headers: Record<string, string> = current ? { 'If-Match': `"${current.version}"` } : {};
      const answer = await call<RuleView>(`${base}/rollback`, { method: 'POST', body: { toVersion }, headers });
      onRolledBack(answer.data);
    } catch (e) {
      setError(asApiError(e));
    }
  };

  if (history.error && history.error.code === 'PLATFORM-0201') {
    return <p>This rule has no history yet: save it to create version 1.</p>;
  }
  return (
    <div data-testid="rule-history">
      <ErrorAlert error={history.error} onRetry={history.reload} />
      <ErrorAlert error={error} />
      <Table<RuleView>
        rowKey="version"
        size="small"
        loading={history.loading}
        dataSource={history.data ?? []}
        pagination={{ pageSize: 15, hideOnSinglePage: true }}
        expandable={{
          expandedRowRender: (v) => <pre style={{ margin: 0, fontSize: 12 }}>{v.deleted ? '(deleted)' : pretty(v.rule)}</pre>,
        }}
        columns={[
          {
            title: 'Version',
            dataIndex: 'version',
            render: (v: number) => (
              <span>
                {v} {current?.version === v && <Tag color="green">current</Tag>}
              </span>
            ),
          },
          { title: 'Change', dataIndex: 'change', render: (c?: string, v?: RuleView) => (v?.deleted ? 'delete' : c ?? '') },
          { title: 'Who', dataIndex: 'updatedBy' },
          { title: 'When', dataIndex: 'updatedAt', render: (at: string) => new Date(at).toLocaleString() },
          ...(canWrite
            ? [
                {
                  title: 'Actions',
                  render: (_: unknown, v: RuleView) =>
                    v.deleted || current?.version === v.version ? null : (
                      <Popconfirm
                        title={`Roll back to version ${v.version}?`}
                        description="Its content becomes a new current version; sidecars receive it."
                        okText="Roll back"
                        onConfirm={() => rollback(v.version)}
                      >
                        <Button size="small">Roll back to v{v.version}</Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}
