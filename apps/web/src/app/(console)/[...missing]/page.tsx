import { notFound } from 'next/navigation';

/** Any path the console has no page for: the not-found page, inside the frame. */
export default function NoSuchPage(): never {
  notFound();
}
