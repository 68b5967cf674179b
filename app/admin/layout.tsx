// The admin area's styles (tables, charts, the matrix). Each page checks authorization itself
// through lib/authz.ts: a layout is not re-run on every navigation, so it is no place for it.
import type { ReactNode } from 'react';
import './admin.css';

export default function AdminLayout({ children }: { children: ReactNode }) {
  return children;
}
