import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SearchPage } from '@/features/search/search-page';

export const metadata: Metadata = { title: 'Search' };

export default function Search() {
  return (
    <Suspense>
      <SearchPage />
    </Suspense>
  );
}
