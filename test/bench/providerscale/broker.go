package main

import (
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// broker is one in-process Kafka cluster that counts every request it
// receives, by API key, without altering how it answers.
type broker struct {
	cluster *kfake.Cluster
	counts  [kmsg.MaxKey + 1]atomic.Int64
}

func newBroker() (*broker, error) {
	kc, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		return nil, err
	}
	b := &broker{cluster: kc}
	kc.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		if k := req.Key(); k >= 0 && int(k) < len(b.counts) {
			b.counts[k].Add(1)
		}
		return nil, nil, false // counted, not handled: kfake answers as usual
	})
	return b, nil
}

// requests is a snapshot of request counts by API name.
type requests map[string]int64

func (b *broker) snapshot() requests {
	out := requests{}
	for k := range b.counts {
		if n := b.counts[k].Load(); n > 0 {
			out[kmsg.NameForKey(int16(k))] += n
		}
	}
	return out
}

func (r requests) add(o requests) {
	for k, v := range o {
		r[k] += v
	}
}

func (r requests) minus(o requests) requests {
	out := requests{}
	for k, v := range r {
		if d := v - o[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func (r requests) total() int64 {
	var t int64
	for _, v := range r {
		t += v
	}
	return t
}

// per divides every count by d and writes "Name n" pairs, sorted.
func (r requests) per(d float64) string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.3g", k, float64(r[k])/d))
	}
	return strings.Join(parts, ", ")
}
