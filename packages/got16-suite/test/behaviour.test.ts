// @reqcache/got's own behaviour tests, run against got 16 (see use-got16.mjs).
import '../../got-adapter/test/behaviour.test.js';
