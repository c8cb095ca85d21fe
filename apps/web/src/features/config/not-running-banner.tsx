'use client';
import { TriangleAlert } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { Banner } from '@/components/ui/banner';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextDiff } from './text-diff';

/**
 * Said while organism.yaml on disk is not the text the running configuration was loaded from: it was
 * changed outside a save (by hand, a deploy), or a reload refused it and the engine kept what it ran.
 * Every other part of the page reads the file: this says the file is not what runs, and how.
 */
export function NotRunningBanner({
  configFile,
  running,
  onDisk,
}: {
  configFile: string;
  running: string;
  onDisk: string;
}) {
  const [seeing, setSeeing] = useState(false);
  return (
    <Banner
      tone="warning"
      icon={TriangleAlert}
      data-testid="config-not-running"
      action={
        <Dialog
          title="What runs, and what is on disk"
          description={`The text the engine runs, and ${configFile} as it is on disk now.`}
          wide
          open={seeing}
          onOpenChange={setSeeing}
          trigger={<Button>See the difference</Button>}
        >
          <TextDiff
            before={running}
            after={onDisk}
            label={`From the running configuration to ${configFile} on disk`}
          />
        </Dialog>
      }
    >
      <span className="font-medium">{configFile} on disk is not what runs.</span> It changed after the engine
      loaded it: by hand, or a reload the engine refused (it keeps running what it had). The editor holds the
      file on disk: a save applies it, and{' '}
      <Link href="/operations" className="underline">
        Reload from disk
      </Link>{' '}
      tries it again.
    </Banner>
  );
}
