package pipeline

import (
	"fmt"
	"testing"
)

// BenchmarkBuild builds the pipeline file of the seed's connectors repeated
// to 32 sources and 32 sinks, the most admission allows: "rendered" renders
// the YAML every time (the first call for a spec), "cached" finds the file
// rendered before (every later call for the same spec).
func BenchmarkBuild(b *testing.B) {
	seed := seedSpec(b)
	spec := *seed.DeepCopy()
	spec.Sources, spec.Sinks = nil, nil
	for i := range 32 {
		s := *seed.Sources[i%len(seed.Sources)].DeepCopy()
		s.Name, s.Topic = fmt.Sprintf("source-%02d", i), fmt.Sprintf("cdc.events.%02d", i)
		spec.Sources = append(spec.Sources, s)
		k := *seed.Sinks[i%len(seed.Sinks)].DeepCopy()
		k.Name, k.Topics = fmt.Sprintf("sink-%02d", i), []string{fmt.Sprintf("cdc.events.%02d", i)}
		spec.Sinks = append(spec.Sinks, k)
	}
	in := Input{Spec: spec, Broker: testBroker, ForceHealth: true}
	for _, c := range []struct {
		name  string
		clear bool
	}{{"rendered", true}, {"cached", false}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				if c.clear {
					renderedFiles.Clear()
				}
				res, err := Build(in)
				if err != nil {
					b.Fatal(err)
				}
				size = len(res.File)
			}
			b.ReportMetric(float64(size), "file-B")
		})
	}
}
