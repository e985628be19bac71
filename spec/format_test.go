package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "aligns equals signs and indents",
			src: `team "acme" {
developers = 200
    tokens_per_developer=[2e6,5e6]
  cost_center = "platform"   # tagged
}
`,
			want: `team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform" # tagged
}
`,
		},
		{
			name: "nested blocks and objects",
			src: `model "m" {
quality = {simple=0.8,complex=0.4}
throughput "h100" {
tensor_parallel=1
}
}
`,
			want: `model "m" {
  quality = { simple = 0.8, complex = 0.4 }
  throughput "h100" {
    tensor_parallel = 1
  }
}
`,
		},
		{
			name: "canonical input is unchanged",
			src:  minimalSrc,
			want: minimalSrc,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Format([]byte(tt.src)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFormatIdempotent formats every spec under testdata, valid or not,
// twice: the second pass must change nothing.
func TestFormatIdempotent(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no specs under testdata")
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			once := Format(src)
			twice := Format(once)
			if diff := cmp.Diff(string(once), string(twice)); diff != "" {
				t.Errorf("formatting twice differs (-once +twice):\n%s", diff)
			}
		})
	}
}
