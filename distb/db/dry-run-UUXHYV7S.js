import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  JOB_MIN_REQUESTS,
  RUN_OVERHEAD_REQUESTS,
  buildPlan
} from "./chunk-ZESAREJF.js";
import "./chunk-ADWFEMNX.js";
import "./chunk-KA34AMGA.js";
import "./chunk-PBIHHMKK.js";
import "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";
export {
  JOB_MIN_REQUESTS,
  RUN_OVERHEAD_REQUESTS,
  buildPlan
};
