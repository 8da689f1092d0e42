// The flat datasets Power BI pulls, as CSV or JSON pages: this module's public face.
import { defineModule } from '../../lib/app-module.js';
import { exportRoutes } from './exports.routes.js';
import { createExportService } from './exports.service.js';

export { EXPORTS_PREFIX } from './exports.routes.js';

export const exportsModule = defineModule({
  name: 'exports',
  services: {
    exports: ({ database, options, clock }) => createExportService(database, { maxConcurrent: options.exportSlots ?? 1, slotWaitMs: options.exportSlotWaitMs, clock }),
  },
  routes: { plugin: exportRoutes },
});
