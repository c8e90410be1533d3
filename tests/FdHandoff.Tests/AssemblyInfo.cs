// Integration tests start real supervisors and workers; on 2 cores, running them side by side only
// makes each slower and their timing noisier. One at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
