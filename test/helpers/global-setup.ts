/**
 * Vitest globalSetup of the integration project: what every integration test file would
 * otherwise redo, done once per run before any file starts.
 *
 * - A migrated template database: createTestDatabase (database.ts) copies it (CREATE DATABASE
 *   ... TEMPLATE, milliseconds) rather than running the WASM migration engine in every file.
 *   Its name is unique to the run, so parallel workers and other runs on the same server
 *   never share or race on it; it is dropped when the run ends.
 *
 * Made again when watch mode reruns tests; reaches the workers through vitest's provide/inject.
 */
import type { TestProject } from 'vitest/node';
import { createTemplateDatabase } from './scratch-database.ts';

/** The Postgres server test databases are created on. */
export const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template of this run (absent when a runner did not set it up). */
    migratedTemplate?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templates: Array<{ drop(): Promise<void> }> = [];
  const prepare = async () => {
    const template = await createTemplateDatabase(SERVER_URL, 'template');
    templates.push(template);
    project.provide('migratedTemplate', template.name);
  };
  await prepare();
  // Watch mode: the migrations may have changed since.
  project.onTestsRerun(prepare);
  return async () => {
    await Promise.all(templates.map((t) => t.drop()));
  };
}
