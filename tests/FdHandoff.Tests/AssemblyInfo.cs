// Integration tests start real supervisors and workers and spend most of their time waiting on them (a drain, a
// deadline, a process start): two test classes side by side, each on ports of its own (FreePort) and in a
// directory of its own (SupervisorProcess). Conservative (xunit's default): no more than two tests started at once,
// so a started test is not starved. Classes that count or place the test process's own descriptors are in
// SerialCollection, run alone after the rest.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 2)]
