// Starts rank-worker.ts from source (tests and an unbuilt checkout), through tsx's loader.
import { tsImport } from "tsx/esm/api";

await tsImport("./rank-worker.ts", import.meta.url);
