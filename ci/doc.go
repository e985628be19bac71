// Package ci holds the tests of the GitHub Actions workflow and of the
// shell and JavaScript steps it runs (.github/), so that `go test ./...`
// lints the workflow with actionlint and runs its steps on hostile file
// names. It has no code of its own.
package ci
