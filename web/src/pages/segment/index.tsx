import { PageHeader } from '../../components/page';

export function SegmentPage({ id }: { readonly id: string }) {
  return <PageHeader title={id} />;
}
