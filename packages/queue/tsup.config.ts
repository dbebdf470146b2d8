import { packageConfig } from "../../config/tsup.js";

export default packageConfig();
