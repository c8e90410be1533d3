namespace FdHandoff.Tests.Unit;

/// <summary>A mistake <see cref="CounterTestServer"/> makes once, to show the client sees it.</summary>
public enum CounterFault
{
    None,
    /// <summary>n starts again from 1, as a new worker that lost the state would.</summary>
    ResetN,
    /// <summary>n jumps by two.</summary>
    SkipN,
    /// <summary>the same answer twice, as two workers both reading the connection would.</summary>
    Duplicate,
    /// <summary>FIN instead of the answer.</summary>
    Close,
    /// <summary>RST instead of the answer (SO_LINGER 0).</summary>
    Reset,
}
