package main

import (
	"runtime/debug"

	"github.com/costgate/costgate/modelcatalog"
)

// version is costgate --version: the module's version, the commit it was
// built from (with "+dirty" for uncommitted changes) and the embedded
// catalog's date, each "unknown" when the build does not say.
func version() string {
	mod, commit := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" {
			mod = v
		}
		dirty := ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if commit != "unknown" {
			commit += dirty
		}
	}
	return mod + ", commit " + commit + ", catalog " + modelcatalog.Default().AsOf
}
