// `pnpm organism <command>` from anywhere in the repository. pnpm runs root scripts in the root folder
// and says in INIT_CWD where the command was typed; moving there first makes every relative path on
// the command line (and the default ./organism.yaml) mean what it meant to the person who typed it.
import { chdir, env } from 'node:process';

if (env.INIT_CWD) chdir(env.INIT_CWD);
await import('../apps/engine/bin/organism.js');
