import type { App } from '../api/model';
import { phaseOf } from './appStatus';

const descriptions: Record<string, string> = {
  Pending: 'Waiting to be picked up',
  Building: 'Building the environment for its requirements',
  Deploying: 'Starting the new revision',
  Running: 'Running and answering requests',
  Failed: 'The last change failed',
  Stopped: 'Stopped: no process runs',
  Unknown: 'No status yet',
};

/** Shows the phase on a badge as text and colour (never colour alone), with what it means as a tooltip. */
export function setPhase(badge: HTMLElement, app: App): void {
  const phase = phaseOf(app);
  badge.className = `phase phase-${phase.toLowerCase()}`;
  badge.title = descriptions[phase] ?? phase;
  badge.textContent = phase;
}
