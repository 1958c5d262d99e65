#!/usr/bin/env node
import { fatalText, main } from '../dist/ziping.js';

const debug = process.argv.includes('--debug');

/**
 * Whatever escapes main (an error in a callback, a rejected promise nobody awaited) still ends
 * with one Chinese line and a code, never a bare stack trace; --debug adds the stack. Exit 1.
 */
function fatal(error) {
  try {
    process.stderr.write(`${fatalText(error, debug)}\n`);
  } catch {
    process.stderr.write('INTERNAL_ERROR：程序内部出错。请把所用的命令发给维护人员(加 --debug 可显示详细信息)。\n');
  }
  process.exit(1);
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

// `ziping check … | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  fatal(error);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, fatal);
