package main

import (
	"fmt"
	"io"
	"sort"
	"time"
)

// printTable writes one Markdown row per run and, with several runs, one
// median row per N (each column's median on its own).
func printTable(w io.Writer, rs []result, o options) {
	fmt.Fprintf(w, "\nprovider-rivven, %d cluster(s), --max-reconcile-rate=%d, GOMEMLIMIT=%s, requests averaged over %d polls\n\n", o.clusters, o.rate, o.memLimit, o.polls)
	fmt.Fprintln(w, "| N topics | run | poll | created (s) | all Ready (s) | admin requests / poll | per cluster | by request | reconciles / poll | CPU / poll (s) | CPU total (s) | peak RSS (MiB) | peak heap in use (MiB) |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
	byN := map[int][]result{}
	var order []int
	for i, r := range rs {
		if _, ok := byN[r.n]; !ok {
			order = append(order, r.n)
		}
		byN[r.n] = append(byN[r.n], r)
		row(w, r, fmt.Sprint(i%o.runs+1), r.perPoll.per(1))
	}
	if o.runs < 2 {
		return
	}
	for _, n := range order {
		runs := byN[n]
		m := result{n: n, clusters: runs[0].clusters, poll: runs[0].poll, perPoll: requests{}}
		m.create = medianDur(runs, func(r result) time.Duration { return r.create })
		m.ready = medianDur(runs, func(r result) time.Duration { return r.ready })
		m.steadyCPU = medianDur(runs, func(r result) time.Duration { return r.steadyCPU })
		m.cpu = medianDur(runs, func(r result) time.Duration { return r.cpu })
		m.rssKiB = int64(median(runs, func(r result) float64 { return float64(r.rssKiB) }))
		m.heapBytes = int64(median(runs, func(r result) float64 { return float64(r.heapBytes) }))
		m.reconciles = median(runs, func(r result) float64 { return r.reconciles })
		keys := map[string]bool{}
		for _, r := range runs {
			for k := range r.perPoll {
				keys[k] = true
			}
		}
		for k := range keys {
			m.perPoll[k] = int64(median(runs, func(r result) float64 { return float64(r.perPoll[k]) }))
		}
		row(w, m, "median", m.perPoll.per(1))
	}
}

func row(w io.Writer, r result, run, by string) {
	t := r.perPoll.total()
	fmt.Fprintf(w, "| %d | %s | %s | %.1f | %.1f | %d | %.1f | %s | %.0f | %.2f | %.1f | %.1f | %.1f |\n",
		r.n, run, r.poll, r.create.Seconds(), r.ready.Seconds(), t, float64(t)/float64(r.clusters), by,
		r.reconciles, r.steadyCPU.Seconds(), r.cpu.Seconds(), float64(r.rssKiB)/1024, float64(r.heapBytes)/(1<<20))
}

func median(rs []result, f func(result) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func medianDur(rs []result, f func(result) time.Duration) time.Duration {
	return time.Duration(median(rs, func(r result) float64 { return float64(f(r)) }))
}
