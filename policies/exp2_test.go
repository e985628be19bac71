package policies_test

import ("os"; "testing")

func mustRead(b testing.TB, p string) string { raw, err := os.ReadFile(p); if err != nil { b.Fatal(err) }; return string(raw) }
