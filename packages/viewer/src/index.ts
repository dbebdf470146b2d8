export type { ViewerData, ViewerPerson } from "./data.js";
export {
  buildViewerData,
  gaitTableHtml,
  renderViewerPage,
  type ViewerOptions,
  type ViewerPredictions,
} from "./page.js";
