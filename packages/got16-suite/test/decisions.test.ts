// @reqcache/got's own decisions tests, against got 16.
import '../../got-adapter/test/decisions.test.js';
