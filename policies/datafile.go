package policies

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/costgate/costgate/specfile"
)

// checkDataFile refuses a data.json whose text reads otherwise than a
// reviewer reads it: a line break or an invisible or bidirectional
// character (specfile.Hidden), which makes one key look like another
// ("max\u200bgpus" shows as max_gpus and is no key a policy reads), or a
// key given twice in one object, of which the JSON reader keeps the last
// (a narrowing of spec.loosened to finance, then the same id again with
// "*" further down, read as "*"). raw has no byte-order mark.
func checkDataFile(name string, raw []byte) error {
	if h, found := specfile.Hidden(raw); found {
		return fmt.Errorf("%s:%d:%d: holds %s: a reviewer reads the data otherwise than the policies do; remove it", name, h.Line, h.Column, h.What)
	}
	at, key, first, found := duplicateKey(raw)
	if found {
		return fmt.Errorf("%s:%d:%d: key %q is given twice in one object (first at line %d): the data read keeps the last, and a reviewer may read the first; give it once",
			name, lineAt(raw, at), colAt(raw, at), key, lineAt(raw, first))
	}
	return nil
}

// jsonObject is one object being read: its keys so far, each at its offset.
type jsonObject struct {
	keys    map[string]int
	wantKey bool
}

// duplicateKey finds the first key given twice in one object: the
// offset of the second, the key and the offset of the first. Text that is
// no JSON reports nothing: the parser says why.
func duplicateKey(raw []byte) (at int, key string, first int, found bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var stack []*jsonObject // nil entries are arrays
	for {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil { // the end, or no JSON
			return 0, "", 0, false
		}
		var top *jsonObject
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch d, _ := tok.(json.Delim); {
		case d == '}' || d == ']':
			stack = stack[:len(stack)-1]
			continue
		case top != nil && top.wantKey:
			k, _ := tok.(string)
			start += bytes.IndexByte(raw[start:], '"')
			if was, dup := top.keys[k]; dup {
				return start, k, was, true
			}
			top.keys[k], top.wantKey = start, false
			continue
		case top != nil:
			top.wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &jsonObject{keys: map[string]int{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, nil)
		}
	}
}

func lineAt(raw []byte, off int) int { return bytes.Count(raw[:off], []byte{'\n'}) + 1 }

func colAt(raw []byte, off int) int { return off - bytes.LastIndexByte(raw[:off], '\n') }
