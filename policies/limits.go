package policies

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// LimitError is an evaluation stopped at its deadline or heap bound. It is
// invalid input (a policy that cannot finish), not a policy result.
type LimitError struct {
	// Policies names the package and folder that was running.
	Policies string
	// Limit says which bound was reached.
	Limit string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s did not finish: %s", e.Policies, e.Limit)
}

// heapSample is the heap the watchdog reads: live objects and garbage not
// yet swept, which is what grows while a policy allocates.
const heapSample = "/memory/classes/heap/objects:bytes"

// watchEvery is how often the watchdog reads the heap.
const watchEvery = 5 * time.Millisecond

// run evaluates the prepared query under ctx's deadline; a folder's query
// also under the engine's heap bound. Either stop is a *LimitError.
func (q *query) run(ctx context.Context, value ast.Value, e *Engine) (rego.ResultSet, error) {
	if !q.user {
		rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(value))
		return rs, q.limitError(ctx, err, false, e)
	}
	cancel := topdown.NewCancel()
	done := make(chan struct{})
	var overHeap atomic.Bool
	go func() {
		t := time.NewTicker(watchEvery)
		defer t.Stop()
		sample := []metrics.Sample{{Name: heapSample}}
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				cancel.Cancel()
				return
			case <-t.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > e.maxHeap {
					overHeap.Store(true)
					cancel.Cancel()
					return
				}
			}
		}
	}()
	rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(value), rego.EvalExternalCancel(cancel))
	close(done)
	return rs, q.limitError(ctx, err, overHeap.Load(), e)
}

// limitError classifies an evaluation error: a stop at a bound is a
// *LimitError naming the policies; anything else is wrapped with them.
func (q *query) limitError(ctx context.Context, err error, overHeap bool, e *Engine) error {
	if err == nil {
		return nil
	}
	switch {
	case overHeap:
		return &LimitError{Policies: q.label, Limit: fmt.Sprintf("the heap grew past %d MiB", e.maxHeap>>20)}
	case ctx.Err() != nil || isCancel(err):
		limit := fmt.Sprintf("no result within --policy-timeout %s", e.timeout)
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) && ctx.Err() != nil {
			limit = "cancelled"
		}
		return &LimitError{Policies: q.label, Limit: limit}
	}
	return fmt.Errorf("%s: %w", q.label, err)
}

func isCancel(err error) bool {
	var te *topdown.Error
	return errors.As(err, &te) && te.Code == topdown.CancelErr
}
