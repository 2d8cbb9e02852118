// @reqcache/got's own streams tests, run against got 16 (see use-got16.mjs).
import '../../got-adapter/test/streams.test.js';
