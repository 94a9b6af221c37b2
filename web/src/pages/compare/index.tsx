import { PageHeader } from '../../components/page';

export function ComparePage() {
  return <PageHeader title="Compare" />;
}
