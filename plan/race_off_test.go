//go:build !race

package plan_test

const raceBuild = false
