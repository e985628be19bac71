//go:build !race

package costmodel

const raceBuild = false
