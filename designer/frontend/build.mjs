// Builds ../static/dist (modeler, viewer, forms, form-editor: .js and .css) with esbuild. Deterministic: no
// timestamps, no sourcemaps, content-hashed asset names. CI rebuilds and diffs the committed output.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const outdir = path.resolve(here, '../static/dist');

// The one bpmnlint configuration the designer and the server share. bpmnlint-loader is
// webpack-only, so we do what it does: bpmnlint's own compile-config turns the config into a
// module that imports every enabled rule and exports { config, resolver } for bpmn-js-bpmnlint.
const LINT_CONFIG = path.join(repo, 'bpmn/lint/charkh.json');
const TEMPLATES = path.join(repo, 'bpmn/templates');
// bpmn/lint is also the bpmnlint plugin "charkh" (its "charkh/..." rules). It is not an npm
// dependency: its name is mapped to that folder, for bpmnlint's resolver and for esbuild alike.
const LINT_PLUGIN = 'bpmnlint-plugin-charkh';
const LINT_PLUGIN_DIR = path.join(repo, 'bpmn/lint');

function pluginPath(request) {
  return request === LINT_PLUGIN || request.startsWith(LINT_PLUGIN + '/')
    ? LINT_PLUGIN_DIR + request.slice(LINT_PLUGIN.length) : request;
}

// node's require, with the plugin's name mapped to its folder
function lintRequire(request) {
  return require(pluginPath(request));
}
lintRequire.resolve = (request) => require.resolve(pluginPath(request));

const charkhVirtual = {
  name: 'charkh-virtual',
  setup(build) {
    build.onResolve({ filter: /^virtual:charkh-(lint-config|templates)$/ }, (args) => ({
      path: args.path, namespace: 'charkh-virtual'
    }));
    build.onResolve({ filter: /^bpmnlint-plugin-charkh(\/.*)?$/ }, (args) => ({
      path: require.resolve(pluginPath(args.path))
    }));
    build.onLoad({ filter: /.*/, namespace: 'charkh-virtual' }, async (args) => {
      if (args.path === 'virtual:charkh-lint-config') {
        const compileConfig = require('bpmnlint/lib/support/compile-config');
        const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
        const config = JSON.parse(fs.readFileSync(LINT_CONFIG, 'utf8'));
        const contents = await compileConfig(config, new NodeResolver({ require: lintRequire }));
        return { contents, loader: 'js', resolveDir: here, watchFiles: [ LINT_CONFIG ] };
      }
      // Element templates: every bpmn/templates/*.json, in name order, bundled as one array.
      const files = fs.readdirSync(TEMPLATES).filter((f) => f.endsWith('.json')).sort();
      const templates = files.flatMap((f) => {
        const parsed = JSON.parse(fs.readFileSync(path.join(TEMPLATES, f), 'utf8'));
        return Array.isArray(parsed) ? parsed : [ parsed ];
      });
      return {
        contents: `export default ${JSON.stringify(templates)};`,
        loader: 'js',
        watchFiles: files.map((f) => path.join(TEMPLATES, f))
      };
    });
  }
};

fs.rmSync(outdir, { recursive: true, force: true });

await esbuild.build({
  entryPoints: {
    modeler: path.join(here, 'src/modeler.js'),
    viewer: path.join(here, 'src/viewer.js'),
    // an instance's history in words, for the record page (which has no diagram)
    history: path.join(here, 'src/history.js'),
    // form-js: its viewer for the pages that show a cartable item, its editor for the modeler
    forms: path.join(here, 'src/forms.js'),
    'form-editor': path.join(here, 'src/form-editor.js')
  },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: [ 'es2020', 'chrome100', 'firefox100', 'safari15' ],
  sourcemap: false,
  legalComments: 'linked',
  charset: 'utf8',
  jsx: 'automatic',
  jsxImportSource: '@bpmn-io/properties-panel/preact',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'dataurl' },
  assetNames: 'fonts/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: {
    // bpmn-js-element-templates' preact-markup asks for plain preact: give it the panel's copy.
    'preact': '@bpmn-io/properties-panel/preact'
  },
  plugins: [ charkhVirtual ],
  logLevel: 'warning'
});

for (const f of fs.readdirSync(outdir).sort()) {
  const st = fs.statSync(path.join(outdir, f));
  if (st.isFile()) console.log(`${f}\t${(st.size / 1024).toFixed(0)} KiB`);
}
