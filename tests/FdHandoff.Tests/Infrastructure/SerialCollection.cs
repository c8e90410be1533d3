namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Test classes that count what the whole test process holds (its open descriptors): run alone, after the tests
/// that run side by side (AssemblyInfo.cs), whose sockets would otherwise come and go in the middle of the count.
/// </summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
