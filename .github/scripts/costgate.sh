#!/usr/bin/env bash
# Runs one costgate command on the specs, with the trusted rules.
#
#   costgate.sh SUBCOMMAND [ARG...]
#
# Every file list is an array: the specs go after "--", so a spec whose
# name starts with "-", or holds spaces, newlines, quotes, "$(...)" or
# glob characters, is one spec and never a flag; nothing is expanded
# unquoted, evaluated or globbed twice.
#
# Environment:
#   COSTGATE               the binary (default: costgate on PATH)
#   SPEC_DIR               folder of the specs, searched for *.hcl in any letter
#                          case (default teams); check and diff with --base-ref
#                          also get --spec-dir, so that each spec is paired
#                          with its team's spec at the base and a deleted spec
#                          is seen, and --stack-spec for every Pulumi.<stack>.yaml
#                          of the working directory, whose spec is gated
#                          wherever it lives
#   SPEC_LIST              instead: a file of NUL-separated spec paths
#   STACK_CONFIG           instead: a stack's Pulumi.<stack>.yaml, whose spec is
#                          gated with its price book and policy folders
#                          (--stack-config; the deploy job)
#   RULES_DIR              checkout whose policy folders and price book apply
#                          (the base branch's in a pull request; default .);
#                          diff takes the paths as they are instead, and reads
#                          each side's own: the working tree's and --base-ref's
#   COSTGATE_POLICY_DIRS   policy folders under RULES_DIR, one per line, each
#                          policies or under policies/ (owned: CODEOWNERS)
#   COSTGATE_CATALOG       price book under RULES_DIR, under prices/ or named
#                          *.prices.json (owned: CODEOWNERS)
#   APPROVALS              approvals file for check, plan and diff
set -euo pipefail

die() {
	printf '::error::%s\n' "$*" >&2
	exit 2
}

[ $# -ge 1 ] || die "usage: costgate.sh SUBCOMMAND [ARG...]"
sub=$1
shift
bin=${COSTGATE:-costgate}
rules=${RULES_DIR:-.}

# A relative path inside its checkout: never an option, never upwards.
relative() {
	case $1 in
	'' | -* | /* | .. | ../* | */.. | */../*) die "$2 must be a relative path inside the repository" ;;
	esac
}

# The organisation's rules live where .github/CODEOWNERS has owners
# review every change: policy folders under policies/, price books under
# prices/ or named *.prices.json. Elsewhere, a pull request no owner
# reviews could loosen the rules every later gate and deploy apply.
owned_rule() {
	case $2:$1 in
	COSTGATE_POLICY_DIRS:policies | COSTGATE_POLICY_DIRS:policies/?*) ;;
	COSTGATE_CATALOG:prices/?* | COSTGATE_CATALOG:*.prices.json) ;;
	*) die "$2 names $1: keep the organisation's rules under policies/ (policy folders) or prices/ or *.prices.json (price books), which .github/CODEOWNERS has the policy owners review" ;;
	esac
}

# Pulumi reads a project from Pulumi.json (or Pulumi.yml) before
# Pulumi.yaml, and then its stacks as Pulumi.<stack>.json: one a pull
# request adds would run a program and a spec no gate reads, with the
# deploy's credentials.
for p in Pulumi.json Pulumi.yml Pulumi.*.json; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		die "$p: the project and its stacks are Pulumi.yaml and Pulumi.<stack>.yaml alone (Pulumi reads $p before them, and no gate reads it); remove it"
	fi
done

# A stack file may be a symlink, which pulumi up follows; .github/CODEOWNERS
# owns /Pulumi.* by name, so only a link to another stack file at the
# root leaves every byte of it owned. Through a link to deploy/prod.yaml,
# a pull request no owner reviews changed the vLLM image and the
# PrivateLink principals the deploy uses.
root=$(pwd -P)
# The project file names the program pulumi up builds and runs: it is the
# owned file itself, never a link (to an unowned file, a pull request
# chose the program the deploy role runs).
if [ -L Pulumi.yaml ]; then
	die "Pulumi.yaml is a symlink: keep the project file itself at the root, where .github/CODEOWNERS owns it"
fi
for p in Pulumi.*.yaml Pulumi.*.yml; do
	[ -L "$p" ] || continue
	target=$(readlink -f -- "$p") || die "$p: a symlink that leads nowhere"
	rest=${target#"$root"/}
	case $rest in
	"$target") die "$p is a symlink out of the repository: keep the stack file itself at the root" ;;
	*/*) die "$p is a symlink to $rest, which .github/CODEOWNERS does not own (it owns /Pulumi.* at the root): keep the stack file itself at the root, or link it to another root Pulumi.<stack>.yaml" ;;
	Pulumi.*.yaml | Pulumi.*.yml) ;;
	*) die "$p is a symlink to $rest, which is no stack file: keep the stack file itself at the root" ;;
	esac
done

specs=()
gated=()
base_ref=no
for a in "$@"; do
	case $a in --base-ref | --base-ref=*) base_ref=yes ;; esac
done
if [ -n "${STACK_CONFIG:-}" ]; then
	relative "$STACK_CONFIG" STACK_CONFIG
	gated=(--stack-config "$STACK_CONFIG")
elif [ -n "${SPEC_LIST:-}" ]; then
	mapfile -d '' specs <"$SPEC_LIST"
else
	dir=${SPEC_DIR:-teams}
	relative "$dir" SPEC_DIR
	[ -d "$dir" ] || die "no spec folder $dir"
	list=$(mktemp)
	trap 'rm -f "$list"' EXIT
	# Symlinks too: costgate refuses those that leave the repository,
	# loudly, instead of find skipping them silently.
	find "$dir" \( -type f -o -type l \) -iname '*.hcl' -print0 | LC_ALL=C sort -z >"$list"
	mapfile -d '' specs <"$list"
	if [ "$base_ref" = yes ] && { [ "$sub" = check ] || [ "$sub" = diff ]; }; then
		gated=(--spec-dir "$dir")
		# Symlinks too: pulumi up follows them, and costgate refuses those
		# that leave the repository.
		find . -maxdepth 1 \( -type f -o -type l \) \( -name 'Pulumi.*.yaml' -o -name 'Pulumi.*.yml' \) -print0 | LC_ALL=C sort -z >"$list"
		mapfile -d '' stacks <"$list"
		for s in "${stacks[@]}"; do
			gated+=(--stack-spec "$s")
		done
	fi
fi
[ "${#specs[@]}" -gt 0 ] || [ "${#gated[@]}" -gt 0 ] || die "no spec (*.hcl) to check"

flags=()
prefix=$rules/
if [ "$sub" = diff ]; then
	prefix=
fi
case $sub in
validate | check | plan | diff)
	# A stack config brings its own price book, the one pulumi up uses:
	# costgate refuses the organisation's where the stack does not name it
	# (dropped here, the deploy gate and the program priced at list prices
	# what every review had priced with it).
	if [ -n "${COSTGATE_CATALOG:-}" ]; then
		relative "$COSTGATE_CATALOG" COSTGATE_CATALOG
		owned_rule "$COSTGATE_CATALOG" COSTGATE_CATALOG
		flags+=(--catalog "$prefix$COSTGATE_CATALOG")
	fi
	;;
esac
case $sub in
check | plan | diff)
	while IFS= read -r d; do
		[ -n "$d" ] || continue
		relative "$d" COSTGATE_POLICY_DIRS
		owned_rule "$d" COSTGATE_POLICY_DIRS
		flags+=(--policy-dir "$prefix$d")
	done <<<"${COSTGATE_POLICY_DIRS:-}"
	# The checkout those rules come from: a stack's book or folder at the
	# same path under it is the organisation's, one elsewhere its own.
	if [ "$sub" = check ] && [ "$rules" != . ] && [ "${#flags[@]}" -gt 0 ]; then
		flags+=(--rules-root "$rules")
	fi
	if [ -n "${APPROVALS:-}" ]; then
		flags+=(--approvals "$APPROVALS")
	fi
	;;
esac

exec "$bin" "$sub" "${flags[@]}" "${gated[@]}" "$@" -- "${specs[@]}"
