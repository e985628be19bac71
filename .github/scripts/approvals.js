// The approvals file of costgate's --approvals flag, from a pull
// request's reviews: {"approved_by": ["@login", ...]}.
//
// A reviewer counts when their latest review that decides (approved,
// changes requested or dismissed; a comment decides nothing) approves the
// commit under review: an approval of an earlier push does not approve
// what was pushed after it. The author, and bots, never count. GitHub
// logins are unique and case-insensitive; they are written as GitHub
// spells them, with "@". Teams are not listed: the workflow's token cannot
// read team membership.
'use strict';

const DECIDING = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

function approvals({ reviews, headSha, author }) {
  const latest = new Map();
  for (const r of reviews || []) {
    if (!r || !r.user || typeof r.user.login !== 'string' || !DECIDING.has(r.state)) {
      continue;
    }
    if (r.user.type === 'Bot') {
      continue;
    }
    const key = r.user.login.toLowerCase();
    const prev = latest.get(key);
    // Reviews come oldest first; submitted_at breaks no tie the order keeps.
    if (!prev || String(r.submitted_at || '') >= String(prev.submitted_at || '')) {
      latest.set(key, r);
    }
  }
  const by = [];
  for (const [key, r] of latest) {
    if (r.state !== 'APPROVED' || r.commit_id !== headSha) {
      continue;
    }
    if (author && key === String(author).toLowerCase()) {
      continue;
    }
    by.push('@' + r.user.login);
  }
  by.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  return { approved_by: by };
}

// write lists the pull request's reviews with the GitHub client of
// actions/github-script and writes the approvals file.
async function write({ github, owner, repo, pull, path }) {
  const fs = require('fs');
  const reviews = await github.paginate(github.rest.pulls.listReviews, {
    owner, repo, pull_number: pull.number, per_page: 100,
  });
  const out = approvals({ reviews, headSha: pull.head.sha, author: pull.user && pull.user.login });
  fs.writeFileSync(path, JSON.stringify(out) + '\n');
  return out;
}

module.exports = { approvals, write };
