// Printable documents (risk matrix, VoR/IKP, follow-up, Ledningens genomgång): this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { createPlanService } from '../plans/index.js';
import { reportRoutes } from './reports.routes.js';
import { createReportService } from './reports.service.js';

export const reportsModule = defineModule({
  name: 'reports',
  services: { reports: (deps) => createReportService(deps.db, createPlanService(deps), deps.clock) },
  routes: { plugin: reportRoutes, prefix: '/api/v1/reports' },
});
