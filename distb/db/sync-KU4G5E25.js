import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  exitCodeFor,
  laneRunOptions,
  parseRunArgs,
  planRolling,
  runCommand,
  syncOptions
} from "./chunk-RQQJEESU.js";
import "./chunk-PIYMWS5V.js";
import "./chunk-ADWFEMNX.js";
import "./chunk-QHFLPGZM.js";
import "./chunk-FQAQLBJI.js";
import "./chunk-THCJX753.js";
import "./chunk-NYIOMDCQ.js";
import "./chunk-KA34AMGA.js";
import "./chunk-PBIHHMKK.js";
import "./chunk-CTOUFHIB.js";
import "./chunk-V4RWK56N.js";
export {
  exitCodeFor,
  laneRunOptions,
  parseRunArgs,
  planRolling,
  runCommand,
  syncOptions
};
