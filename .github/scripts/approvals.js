// The approvals file of costgate's --approvals flag, from a pull
// request's reviews: {"approved_by": ["@login", ...]}.
//
// A reviewer counts when their latest review that decides (approved,
// changes requested or dismissed; a comment decides nothing) approves the
// commit under review: an approval of an earlier push does not approve
// what was pushed after it. The author, and bots, never count. And only
// an account that may write to the repository counts: its permission
// (the collaborator-permission API) is write, maintain or admin. On a
// public repository anyone can submit an approving review, so a second
// account of the author's would otherwise approve the pull request. The
// waiver rules' "*" therefore means "any account with write access".
//
// A review counts only when submitted after the pull request's base last
// changed (its latest base_ref_changed event): a reviewer approved the
// change against the base they saw, and a stacked pull request approved
// against its author's branch, then retargeted to main, kept the approval
// for the loosening main's base showed (the head commit is the same, so
// the commit rule alone keeps it).
//
// GitHub logins are unique and case-insensitive; they are written as
// GitHub spells them, with "@". Teams are not listed and code owners are
// not checked: the workflow's token cannot read team membership, so
// "Require review from Code Owners" stays branch protection's job.
'use strict';

const DECIDING = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

// WRITERS are the permissions that count: role names (admin, maintain,
// write) and the legacy permission field (admin, write).
const WRITERS = new Set(['admin', 'maintain', 'write']);

// candidates are the logins whose latest deciding review approves headSha,
// the author and bots left out. since, when set, is the time the base
// last changed: a review submitted then or before decides nothing.
function candidates({ reviews, headSha, author, since }) {
  const latest = new Map();
  for (const r of reviews || []) {
    if (!r || !r.user || typeof r.user.login !== 'string' || !DECIDING.has(r.state)) {
      continue;
    }
    if (since && !(Date.parse(r.submitted_at) > Date.parse(since))) {
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
  const out = [];
  for (const [key, r] of latest) {
    if (r.state !== 'APPROVED' || r.commit_id !== headSha) {
      continue;
    }
    if (author && key === String(author).toLowerCase()) {
      continue;
    }
    out.push(r.user.login);
  }
  return out;
}

// canWrite reports whether a collaborator-permission answer
// ({permission, role_name}) is write or above.
function canWrite(perm) {
  if (!perm) {
    return false;
  }
  return WRITERS.has(String(perm.role_name || '').toLowerCase()) || WRITERS.has(String(perm.permission || '').toLowerCase());
}

// approvals lists the approvers who count. permissions maps a lowercase
// login to its collaborator-permission answer; a login missing from it
// does not count.
function approvals({ reviews, headSha, author, permissions, since }) {
  const by = [];
  for (const login of candidates({ reviews, headSha, author, since })) {
    if (canWrite((permissions || {})[login.toLowerCase()])) {
      by.push('@' + login);
    }
  }
  by.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  return { approved_by: by };
}

// baseChanged is the time of the latest base_ref_changed event among a
// pull request's timeline events, or '' when its base never changed.
function baseChanged(events) {
  let since = '';
  for (const e of events || []) {
    if (e && e.event === 'base_ref_changed' && typeof e.created_at === 'string' &&
        (!since || Date.parse(e.created_at) > Date.parse(since))) {
      since = e.created_at;
    }
  }
  return since;
}

// write lists the pull request's reviews and timeline with the GitHub
// client of actions/github-script, asks each approver's permission on the
// repository, and writes the approvals file. An account the API does not
// know as a collaborator (404) has no permission.
async function write({ github, owner, repo, pull, path }) {
  const fs = require('fs');
  let reviews = await github.paginate(github.rest.pulls.listReviews, {
    owner, repo, pull_number: pull.number, per_page: 100,
  });
  const events = await github.paginate(github.rest.issues.listEventsForTimeline, {
    owner, repo, issue_number: pull.number, per_page: 100,
  });
  const since = baseChanged(events);
  // A review submitted after the merge approved nothing the merge
  // carried (GitHub accepts one; a re-run of the deploy read it).
  const merged = pull.merged_at ? Date.parse(pull.merged_at) : NaN;
  if (!Number.isNaN(merged)) {
    reviews = reviews.filter(r => r && Date.parse(r.submitted_at) <= merged);
  }
  const headSha = pull.head.sha;
  const author = pull.user && pull.user.login;
  const permissions = {};
  for (const login of candidates({ reviews, headSha, author, since })) {
    try {
      const { data } = await github.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login });
      permissions[login.toLowerCase()] = { permission: data.permission, role_name: data.role_name };
    } catch (e) {
      if (e.status !== 404) {
        throw e;
      }
    }
  }
  const out = approvals({ reviews, headSha, author, permissions, since });
  fs.writeFileSync(path, JSON.stringify(out) + '\n');
  return out;
}

module.exports = { approvals, baseChanged, canWrite, write };
