package inference

// The prefix cache: the share of input the fleet's replicas serve without
// prefill.

import (
	"fmt"
	"math"
)

// room is the share of idle sessions' prefixes a replica keeps: prefixes
// stay cached in the KV blocks running sequences do not use. Between its
// requests a session waits on tools and on the model, so as many sessions
// sit idle as run (IdleSessionsPerRunning); keeping an idle session's
// prefix takes as much room as a running one's context. running is the
// sequences a replica runs at the target utilization.
func (r *Request) room(o option, running float64, e *sizingEnv) float64 {
	kv := r.kvPerToken(o.tp)
	if r.CachedInputShare <= 0 || kv <= 0 {
		return 0
	}
	tokens := math.Max(math.Min(running, float64(o.maxSeqs)), 1) * e.mean
	spare := o.kvGB/kv - tokens
	return math.Min(1, math.Max(0, spare/(IdleSessionsPerRunning*tokens)))
}

// prefixHit is the share of input the fleet's prefix caches serve: the
// spec's cached share less two losses.
//
//   - Locality. The load balancer routes round-robin, so a session's
//     requests land on random replicas; a replica holds the session's
//     prefix only from its second visit on. A session of T requests over R
//     replicas visits R(1-(1-1/R)^T) of them, each first visit a miss;
//     relative to one replica (whose only miss is the session's first
//     request, which the cached share already counts) the hits scale by
//     (1 - visited/T) / (1 - 1/T).
//   - Room (room), a factor of the replica's KV cache and batch.
//
// The share falls as replicas are added, so a fleet's capacity per replica
// does too.
func (r *Request) prefixHit(replicas int, room float64) float64 {
	if r.CachedInputShare <= 0 || room <= 0 {
		return 0
	}
	return r.CachedInputShare * r.localityOf(replicas) * room
}

// localityOf is the locality factor of prefixHit for replicas, remembered
// in the request's Memo (the sizer asks it of the same few counts for
// every count it tries).
func (r *Request) localityOf(replicas int) float64 {
	if r.Memo != nil {
		return r.Memo.locality(r, replicas)
	}
	_, _, locality := r.locality(replicas)
	return locality
}

// locality is the requests a session makes, the replicas it visits and
// the locality factor of prefixHit.
func (r *Request) locality(replicas int) (turns, visited, locality float64) {
	turns = r.turns()
	n := float64(max(replicas, 1))
	visited = n * (1 - math.Pow(1-1/n, turns))
	return turns, visited, math.Max(0, (1-visited/turns)/(1-1/turns))
}

// prefixNote says which hit rate the fleet was sized at and why.
func (r *Request) prefixNote(o option) string {
	if r.CachedInputShare <= 0 {
		return ""
	}
	turns, visited, locality := r.locality(o.n * o.rpi)
	return fmt.Sprintf("prefix caching: %.0f%% of input is taken as served from vLLM's prefix cache — the spec's cached share of %.0f%% × %.2f for %d replica(s) behind the round-robin load balancer (a session of %.0f requests reaches %.1f of them, a miss on each first visit) × %.2f for KV room (one idle session's prefix kept beside each running one), rounded down to the per cent; session-sticky or prefix-aware routing would keep the locality loss away",
		100*o.hit, 100*r.CachedInputShare, locality, o.n*o.rpi, turns, visited, o.room)
}

// turns is the requests a session makes: the spec's, or
// DefaultTurnsPerSession below two.
func (r *Request) turns() float64 {
	if r.TurnsPerSession < 2 {
		return DefaultTurnsPerSession
	}
	return r.TurnsPerSession
}
