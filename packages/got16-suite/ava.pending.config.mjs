import base from './ava.config.mjs';

export default { ...base, files: ['pending/**/*.test.ts'] };
