// Runs one huggingface.js (@huggingface/hub) scenario against a local Hub and prints its result
// as one JSON line. Usage: node driver.cjs < {"modules", "hubUrl", "token", "scenario", "args"}
"use strict";
const { createRequire } = require("node:module");
const path = require("node:path");
const fs = require("node:fs");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const hub = createRequire(path.join(input.modules, "package.json"))("@huggingface/hub");
const common = { hubUrl: input.hubUrl, accessToken: input.token };
const a = input.args || {};

async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function text(blob) {
  return blob === null ? null : Buffer.from(await blob.arrayBuffer()).toString("base64");
}

const scenarios = {
  whoAmI: async () => hub.whoAmI(common),
  createRepo: async () =>
    hub.createRepo({ ...common, repo: a.repo, private: a.private, ...(a.files ? {
      files: a.files.map((f) => ({ path: f.path, content: new Blob([Buffer.from(f.content, "base64")]) })),
    } : {}) }),
  deleteRepo: async () => hub.deleteRepo({ ...common, repo: a.repo }),
  repoExists: async () => hub.repoExists({ ...common, repo: a.repo }),
  checkRepoAccess: async () => hub.checkRepoAccess({ ...common, repo: a.repo }),
  uploadFiles: async () =>
    hub.uploadFiles({
      ...common,
      repo: a.repo,
      branch: a.branch,
      commitTitle: a.title,
      useXet: a.useXet,
      files: a.files.map((f) => ({ path: f.path, content: new Blob([Buffer.from(f.content, "base64")]) })),
    }),
  uploadFilesWithProgress: async () => {
    const events = await collect(
      hub.uploadFilesWithProgress({
        ...common,
        repo: a.repo,
        files: a.files.map((f) => ({ path: f.path, content: new Blob([Buffer.from(f.content, "base64")]) })),
      }),
    );
    return events.filter((e) => e.event === "phase").map((e) => e.phase);
  },
  uploadFolder: async () =>
    hub.uploadFiles({ ...common, repo: a.repo, files: [require("node:url").pathToFileURL(a.folder)] }),
  listFiles: async () =>
    collect(hub.listFiles({ ...common, repo: a.repo, recursive: a.recursive, expand: a.expand, revision: a.revision, path: a.path })),
  pathsInfo: async () => hub.pathsInfo({ ...common, repo: a.repo, paths: a.paths, expand: a.expand, revision: a.revision }),
  downloadFile: async () => text(await hub.downloadFile({ ...common, repo: a.repo, path: a.path, revision: a.revision, raw: a.raw })),
  downloadFileToCacheDir: async () =>
    hub.downloadFileToCacheDir({ ...common, repo: a.repo, path: a.path, revision: a.revision, cacheDir: a.cacheDir }),
  snapshotDownload: async () => hub.snapshotDownload({ ...common, repo: a.repo, cacheDir: a.cacheDir }),
  fileExists: async () => hub.fileExists({ ...common, repo: a.repo, path: a.path, revision: a.revision }),
  fileDownloadInfo: async () => hub.fileDownloadInfo({ ...common, repo: a.repo, path: a.path }),
  modelInfo: async () => hub.modelInfo({ ...common, name: a.name, revision: a.revision, additionalFields: a.additionalFields }),
  datasetInfo: async () => hub.datasetInfo({ ...common, name: a.name, additionalFields: a.additionalFields }),
  spaceInfo: async () => hub.spaceInfo({ ...common, name: a.name, additionalFields: a.additionalFields }),
  listModels: async () => collect(hub.listModels({ ...common, search: a.search, limit: a.limit, additionalFields: a.additionalFields })),
  listDatasets: async () => collect(hub.listDatasets({ ...common, search: a.search })),
  listSpaces: async () => collect(hub.listSpaces({ ...common, search: a.search })),
  listCommits: async () => collect(hub.listCommits({ ...common, repo: a.repo, revision: a.revision, batchSize: a.batchSize })),
  countCommits: async () => hub.countCommits({ ...common, repo: a.repo, revision: a.revision }),
  createBranch: async () =>
    hub.createBranch({ ...common, repo: a.repo, branch: a.branch, revision: a.revision, empty: a.empty, overwrite: a.overwrite }),
  deleteBranch: async () => hub.deleteBranch({ ...common, repo: a.repo, branch: a.branch }),
  deleteFile: async () => hub.deleteFile({ ...common, repo: a.repo, path: a.path }),
  deleteFiles: async () => hub.deleteFiles({ ...common, repo: a.repo, paths: a.paths }),
  copyFile: async () =>
    hub.copyFile({ ...common, source: { repo: a.source, path: a.path }, destination: { repo: a.destination, path: a.to } }),
  commit: async () =>
    hub.commit({
      ...common,
      repo: a.repo,
      title: a.title,
      parentCommit: a.parentCommit,
      isPullRequest: a.isPullRequest,
      operations: a.operations.map((op) =>
        op.operation === "addOrUpdate"
          ? { ...op, content: new Blob([Buffer.from(op.content, "base64")]) }
          : op,
      ),
    }),
};

(async () => {
  const run = scenarios[input.scenario];
  if (!run) throw new Error(`unknown scenario ${input.scenario}`);
  try {
    const result = await run();
    process.stdout.write(JSON.stringify({ ok: true, result: result === undefined ? null : result }) + "\n");
  } catch (error) {
    process.stdout.write(
      JSON.stringify({
        ok: false,
        name: error && error.name,
        message: String(error && error.message),
        statusCode: error && error.statusCode,
        url: error && error.url,
      }) + "\n",
    );
  }
})();
