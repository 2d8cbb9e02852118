// @reqcache/got's own coalescing tests, against got 16.
import '../../got-adapter/test/coalescing.test.js';
