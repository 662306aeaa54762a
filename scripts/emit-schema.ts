/** Writes schema/schema.graphql from the code-first schema (`npm run schema`). */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildSchema, printSdl } from '../src/schema.js';

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/schema.graphql', import.meta.url), printSdl(await buildSchema()));
console.log('wrote schema/schema.graphql');
