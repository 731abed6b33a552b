import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../auth/AuthContext';

const PAGES = [
  { key: '/', label: 'Overview' },
  { key: '/services', label: 'Services' },
  { key: '/topology', label: 'Topology' },
  { key: '/rules', label: 'Rules' },
  { key: '/migrations', label: 'Migrations' },
  { key: '/audit', label: 'Audit log' },
];

function selected(pathname: string): string {
  const match = PAGES.filter((p) => p.key !== '/' && pathname.startsWith(p.key));
  return match.length ? match[0].key : '/';
}

export function AppLayout() {
  const { user, canWrite, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const role = user!.roles.includes('ADMIN') ? 'admin' : canWrite ? 'operator' : 'viewer';
  return (
    <Layout style={{ minHeight: '100vh', minWidth: 1280 }}>
      <Layout.Sider width={200} theme="dark">
        <Typography.Title level={4} style={{ color: '#fff', padding: '16px 20px', margin: 0 }}>
          Dualmode
        </Typography.Title>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selected(location.pathname)]}
          items={PAGES}
          onClick={(e) => navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}
        >
          <Space>
            <span data-testid="current-user">{user!.subject}</span>
            <Tag color={canWrite ? 'blue' : 'default'} data-testid="current-role">
              {role}
            </Tag>
            {!canWrite && <Typography.Text type="secondary">read-only</Typography.Text>}
            <Button onClick={logout}>Log out</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
