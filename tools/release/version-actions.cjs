// nx release's version actions for our npm packages, without the @nx/js plugin (which would add a large
// dependency tree to every `npm ci`). It reads and writes `version` and the `@tfai/*` dependency ranges in each
// package's package.json; it never queries the registry (the current version comes from git tags, else disk).
'use strict';
const { join } = require('node:path');
const { VersionActions } = require('nx/release');

const COLLECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function readJson(tree, path) {
  return JSON.parse(tree.read(path, 'utf-8'));
}

function writeJson(tree, path, value) {
  tree.write(path, JSON.stringify(value, null, 2) + '\n');
}

/** The npm name of a project in the graph (Nx names our projects by their package names). */
function packageName(projectGraph, project) {
  return projectGraph.nodes[project]?.data?.metadata?.js?.packageName ?? project;
}

class NpmVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  manifestPath() {
    return join(this.projectGraphNode.data.root, 'package.json');
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = this.manifestPath();
    return { currentVersion: readJson(tree, manifestPath).version, manifestPath };
  }

  async readCurrentVersionFromRegistry() {
    return null;
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const pkg = readJson(tree, this.manifestPath());
    const name = packageName(projectGraph, dependencyProjectName);
    for (const c of COLLECTIONS) {
      if (pkg[c]?.[name] !== undefined) return { currentVersion: pkg[c][name], dependencyCollection: c };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const pkg = readJson(tree, manifestPath);
      pkg.version = newVersion;
      writeJson(tree, manifestPath, pkg);
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const logs = [];
    const entries = Object.entries(dependenciesToUpdate);
    if (entries.length === 0) return logs;
    for (const { manifestPath } of this.manifestsToUpdate) {
      const pkg = readJson(tree, manifestPath);
      for (const [project, version] of entries) {
        const name = packageName(projectGraph, project);
        for (const c of COLLECTIONS) if (pkg[c]?.[name] !== undefined) pkg[c][name] = version;
      }
      writeJson(tree, manifestPath, pkg);
      logs.push(
        `✍️  Updated ${entries.length} dependenc${entries.length === 1 ? 'y' : 'ies'} in manifest: ${manifestPath}`,
      );
    }
    return logs;
  }
}

module.exports = NpmVersionActions;
module.exports.default = NpmVersionActions;
