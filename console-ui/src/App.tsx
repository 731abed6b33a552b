import { Spin } from 'antd';
import { Navigate, Route, Routes } from 'react-router-dom';
import { useSession } from './auth/AuthContext';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { ServicesPage } from './pages/ServicesPage';
import { TopologyPage } from './pages/TopologyPage';
import { RulesPage } from './pages/RulesPage';
import { RuleEditorPage } from './pages/RuleEditorPage';
import { MigrationsPage } from './pages/MigrationsPage';
import { AuditPage } from './pages/AuditPage';

export function App() {
  const { user, checking } = useSession();
  if (checking) {
    return <Spin fullscreen tip="Checking your session" />;
  }
  if (!user) {
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<OverviewPage />} />
        <Route path="services" element={<ServicesPage />} />
        <Route path="topology" element={<TopologyPage />} />
        <Route path="rules" element={<RulesPage />} />
        <Route path="rules/new" element={<RuleEditorPage />} />
        <Route path="rules/:kind/:service" element={<RuleEditorPage />} />
        <Route path="migrations/*" element={<MigrationsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
