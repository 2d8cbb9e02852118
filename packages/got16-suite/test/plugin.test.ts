// @reqcache/got's own plugin tests, against got 16.
import '../../got-adapter/test/plugin.test.js';
