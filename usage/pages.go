package usage

import (
	"encoding/json"
	"time"
)

// readPages walks a file of usage-report pages — one page object, several
// (JSON lines or concatenated), or an array of pages — and calls emit with
// each result of each time bucket of the pages' data, in bounded memory:
// one bucket at a time.
//
// Every bucket, empty or not, goes to cover first: a report covers its
// buckets' time whether or not anything was used in them.
//
// It stays one function: its nested readers (page, bucket, result) are
// closures over one streaming decoder and its position, which split into
// functions would each take the decoder, the callbacks and the line.
func readPages[R any](f *file, set *pageSet, cover func(start, end time.Time), emit func(start, end time.Time, line int, r *R) error) error {
	startKey, endKey := set.startKey, set.endKey
	s := f.jsonStream()
	type result struct {
		line int
		r    R
		bad  error
	}
	bucket := func(pg *pageInfo, bline int) error {
		var start, end stamp
		var bad error
		var rs []result
		err := s.object("a time bucket", func(key string, line int) error {
			var into *stamp
			switch key {
			case startKey:
				into = &start
			case endKey:
				into = &end
			case "results":
				return s.array("results", func(line int) error {
					var r result
					r.line = line
					mal, fatal := s.decode(&r.r, line)
					if fatal != nil {
						return fatal
					}
					r.bad = mal
					rs = append(rs, r)
					return nil
				})
			default:
				return s.skip(line)
			}
			mal, fatal := s.decode(into, line)
			if fatal != nil {
				return fatal
			}
			if mal != nil && bad == nil {
				bad = mal
			}
			return nil
		})
		if err != nil {
			return err
		}
		switch {
		case bad != nil:
			return f.in.invalid(bad.(*RecordError))
		case !start.Set || !end.Set:
			if len(rs) == 0 {
				return nil
			}
			return f.invalid(bline, "a time bucket needs %s and %s", startKey, endKey)
		case !end.T.After(start.T):
			return f.invalid(bline, "a time bucket ends (%s) before it starts (%s)", end.T.Format(time.RFC3339), start.T.Format(time.RFC3339))
		}
		cover(start.T, end.T)
		pg.bucket(start.T, end.T)
		for i := range rs {
			if rs[i].bad != nil {
				if err := f.in.invalid(rs[i].bad.(*RecordError)); err != nil {
					return err
				}
				continue
			}
			if err := emit(start.T, end.T, rs[i].line, &rs[i].r); err != nil {
				return err
			}
		}
		set.bucketDone(f.name, bline, start.T, end.T)
		return nil
	}
	return walkPages(f, s, set, func(pg *pageInfo, key string, line int) error {
		if key == "data" {
			pg.data = true
			return s.arrayOf("data", "bucket", func(bline int) error { return bucket(pg, bline) })
		}
		return pageKey(s, pg, key, line)
	})
}

// walkPages reads the file's page objects, each key of a page through
// key, and records each page in the set; a file with no page is missing
// usage.
func walkPages(f *file, s *jsonStream, set *pageSet, key func(pg *pageInfo, key string, line int) error) error {
	pages := 0
	onePage := func(line int, read func(func(string, int) error) error) error {
		pages++
		pg := &pageInfo{file: f.name, line: line}
		if err := read(func(k string, l int) error { return key(pg, k, l) }); err != nil {
			return err
		}
		return set.add(f, pg)
	}
	err := s.topValues(f, func(line int) error { return onePage(line, s.objectBody) },
		func(line int) error {
			return onePage(line, func(fn func(string, int) error) error { return s.object("a page", fn) })
		}, "page", "a usage report page must be a JSON object")
	if err == nil && pages == 0 {
		return set.missing(f.name, "is empty: a usage report page is a JSON object with a data array")
	}
	return err
}

// pageKey reads a page's key other than data: has_more, an error body's
// error, or one to skip.
func pageKey(s *jsonStream, pg *pageInfo, key string, line int) error {
	switch key {
	case "has_more":
		var more bool
		if mal, fatal := s.decode(&more, line); fatal != nil || mal != nil {
			return firstErr(fatal, mal)
		}
		pg.hasMore = more
		return nil
	case "error":
		var e apiError
		if mal, fatal := s.decode(&e, line); fatal != nil {
			return fatal
		} else if mal != nil {
			e.Message = "(unreadable)"
		}
		pg.err = &e
		return nil
	}
	return s.skip(line)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// str is a JSON string that may be null or absent.
type str struct {
	V   string
	Set bool
}

func (s *str) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		// A number or boolean group key (OpenAI's batch) reads as text.
		v = string(b)
	}
	s.V, s.Set = v, true
	return nil
}

// first is the first non-empty value.
func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
